// Linked into every executable of a TRIBUTARY_SANITIZE=thread build only (see CMakeLists.txt).
//
// Debian's librdkafka makes its threads, mutexes and condition variables with C11 <threads.h>
// (thrd_create, mtx_lock, cnd_wait...). GCC 12's ThreadSanitizer intercepts the pthread functions
// but not these, and glibc implements them with internal calls TSan can't see: a thread started
// by thrd_create is unknown to TSan and crashes on its first malloc, and librdkafka's locking is
// invisible, so every hand-over through its queues (a delivery callback made on one thread, run
// on another) would be reported as a race. Defined here, in the executable, these C11 functions
// interpose glibc's and forward to the pthread functions TSan does intercept; glibc's own are
// thin wrappers over the same calls, so behaviour is unchanged.
#include <pthread.h>
#include <threads.h>

#include <cerrno>
#include <cstdint>
#include <new>

namespace {

int from_errno(int code) {
  switch (code) {
    case 0: return thrd_success;
    case EBUSY: return thrd_busy;
    case ETIMEDOUT: return thrd_timedout;
    case ENOMEM: return thrd_nomem;
    default: return thrd_error;
  }
}

struct thread_start {
  thrd_start_t function;
  void* argument;
};

void* run_thread(void* start) {
  const auto [function, argument] = *static_cast<thread_start*>(start);
  delete static_cast<thread_start*>(start);
  // glibc's thrd_join reads the int result back out of the pointer the same way.
  return reinterpret_cast<void*>(static_cast<std::intptr_t>(function(argument)));
}

pthread_mutex_t* native(mtx_t* mutex) { return reinterpret_cast<pthread_mutex_t*>(mutex); }
pthread_cond_t* native(cnd_t* condition) { return reinterpret_cast<pthread_cond_t*>(condition); }

static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t));
static_assert(sizeof(cnd_t) == sizeof(pthread_cond_t));
static_assert(sizeof(once_flag) == sizeof(pthread_once_t));
static_assert(sizeof(thrd_t) == sizeof(pthread_t));

}  // namespace

extern "C" {

int thrd_create(thrd_t* thread, thrd_start_t function, void* argument) {
  auto* start = new (std::nothrow) thread_start{function, argument};
  if (!start) return thrd_nomem;
  const int code = pthread_create(thread, nullptr, run_thread, start);
  if (code != 0) delete start;
  return from_errno(code);
}

int thrd_join(thrd_t thread, int* result) {
  void* value = nullptr;
  const int code = pthread_join(thread, &value);
  if (code == 0 && result) *result = static_cast<int>(reinterpret_cast<std::intptr_t>(value));
  return from_errno(code);
}

int thrd_detach(thrd_t thread) { return from_errno(pthread_detach(thread)); }

int mtx_init(mtx_t* mutex, int type) {
  pthread_mutexattr_t attributes;
  pthread_mutexattr_init(&attributes);
  if (type & mtx_recursive) pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
  const int code = pthread_mutex_init(native(mutex), &attributes);
  pthread_mutexattr_destroy(&attributes);
  return from_errno(code);
}

int mtx_lock(mtx_t* mutex) { return from_errno(pthread_mutex_lock(native(mutex))); }
int mtx_trylock(mtx_t* mutex) { return from_errno(pthread_mutex_trylock(native(mutex))); }
int mtx_timedlock(mtx_t* __restrict mutex, const struct timespec* __restrict until) {
  return from_errno(pthread_mutex_timedlock(native(mutex), until));
}
int mtx_unlock(mtx_t* mutex) { return from_errno(pthread_mutex_unlock(native(mutex))); }
void mtx_destroy(mtx_t* mutex) { pthread_mutex_destroy(native(mutex)); }

int cnd_init(cnd_t* condition) { return from_errno(pthread_cond_init(native(condition), nullptr)); }
int cnd_signal(cnd_t* condition) { return from_errno(pthread_cond_signal(native(condition))); }
int cnd_broadcast(cnd_t* condition) { return from_errno(pthread_cond_broadcast(native(condition))); }
int cnd_wait(cnd_t* condition, mtx_t* mutex) {
  return from_errno(pthread_cond_wait(native(condition), native(mutex)));
}
int cnd_timedwait(cnd_t* __restrict condition, mtx_t* __restrict mutex,
                  const struct timespec* __restrict until) {
  return from_errno(pthread_cond_timedwait(native(condition), native(mutex), until));
}
void cnd_destroy(cnd_t* condition) { pthread_cond_destroy(native(condition)); }

void call_once(once_flag* flag, void (*function)(void)) {
  pthread_once(reinterpret_cast<pthread_once_t*>(flag), function);
}

}  // extern "C"
