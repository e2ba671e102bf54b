#include "tests/reconciler/fake_hook_sender.hpp"

#include "tools/replay/replay_client.hpp"
#include "tools/replay/webhook_request.hpp"

#include <algorithm>

namespace tributary::testing {

struct fake_hook_sender::shared {
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::deque<std::int64_t> queued;  // delivery ids POSTed to …/attempts
  bool busy = false;
  bool stopping = false;
  std::vector<stored_delivery> history;  // newest first
  std::vector<std::pair<std::string, unsigned>> resent;
};

fake_hook_sender::fake_hook_sender(std::string org, std::int64_t hook_id, replay::target_url url, std::string secret)
    : org_(std::move(org)),
      hook_id_(hook_id),
      url_(std::move(url)),
      secret_(std::move(secret)),
      shared_(std::make_shared<shared>()) {
  thread_ = std::thread([this] { run(); });
}

fake_hook_sender::~fake_hook_sender() { stop(); }

void fake_hook_sender::stop() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
  }
  shared_->changed.notify_all();
  if (thread_.joinable()) thread_.join();
}

redelivery_handler fake_hook_sender::handler() const {
  // Holds the queue, not this object: the fake may outlive the sender by a few requests.
  return [queue = shared_, org = org_, hook_id = hook_id_](const redelivery_request& request) {
    if (request.org != org || request.hook_id != hook_id) return;
    {
      std::lock_guard lock(queue->mutex);
      queue->queued.push_back(request.delivery_id);
    }
    queue->changed.notify_all();
  };
}

void fake_hook_sender::attach(fake_github& fake) {
  fake_ = &fake;
  install(listing());
}

void fake_hook_sender::set_history(std::vector<stored_delivery> newest_first) {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->history = std::move(newest_first);
  }
  install(listing());
}

std::vector<stored_delivery> fake_hook_sender::history() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->history;
}

std::vector<fake_delivery> fake_hook_sender::listing() const {
  std::lock_guard lock(shared_->mutex);
  std::vector<fake_delivery> listed;
  for (const auto& attempt : shared_->history)
    listed.push_back({attempt.id, attempt.guid, attempt.status_code, attempt.event});
  return listed;
}

void fake_hook_sender::install(const std::vector<fake_delivery>& listed) {
  if (fake_ == nullptr) return;
  fake_->edit([&](fake_github_content& content) {
    content.add_organization(org_);
    content.add_hook(org_, hook_id_, listed);
  });
}

unsigned fake_hook_sender::send(const stored_delivery& delivery) const {
  replay::hook_identity hook;
  hook.hook_id = std::to_string(hook_id_);
  hook.target_type = "organization";
  const auto request = replay::make_webhook_request({delivery.event, delivery.guid, delivery.payload}, url_.host,
                                                    url_.target, secret_, false, hook);
  replay::client_options options;
  options.concurrency = 1;
  options.timeout = std::chrono::seconds(30);
  return replay::send_requests(url_, {request}, options).at(0).status;
}

std::vector<std::pair<std::string, unsigned>> fake_hook_sender::resent() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->resent;
}

bool fake_hook_sender::wait_idle(std::chrono::milliseconds limit) const {
  std::unique_lock lock(shared_->mutex);
  return shared_->changed.wait_for(lock, limit, [&] { return shared_->queued.empty() && !shared_->busy; });
}

void fake_hook_sender::run() {
  std::unique_lock lock(shared_->mutex);
  for (;;) {
    shared_->changed.wait(lock, [&] { return shared_->stopping || !shared_->queued.empty(); });
    if (shared_->stopping) return;
    const auto delivery_id = shared_->queued.front();
    shared_->queued.pop_front();
    const auto found = std::find_if(shared_->history.begin(), shared_->history.end(),
                                    [&](const stored_delivery& d) { return d.id == delivery_id; });
    if (found == shared_->history.end()) continue;  // the fake checked it exists: history replaced since
    auto attempt = *found;
    shared_->busy = true;
    lock.unlock();
    const auto status = send(attempt);
    lock.lock();
    std::int64_t newest = 0;
    for (const auto& d : shared_->history) newest = std::max(newest, d.id);
    attempt.id = newest + 1;
    attempt.status_code = static_cast<int>(status);
    shared_->history.insert(shared_->history.begin(), attempt);
    shared_->resent.emplace_back(attempt.guid, status);
    lock.unlock();
    install(listing());  // the fake's lock is never taken under ours: its thread takes ours under its own
    lock.lock();
    shared_->busy = false;
    shared_->changed.notify_all();
  }
}

}  // namespace tributary::testing
