#pragma once

#include "tests/reconciler/fake_github.hpp"
#include "tools/replay/target_url.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tributary::testing {

/// One attempt of a hook's delivery history, with what GitHub would send again.
struct stored_delivery {
  std::int64_t id = 0;  // the attempt's id (GitHub's ids grow with time)
  std::string guid;     // X-GitHub-Delivery: the same for every attempt of one delivery
  int status_code = 200;
  std::string event;
  std::string payload;  // compact JSON
};

/// What makes the fake's redelivery real for one organisation hook: it owns the hook's history
/// (newest first) and installs it in the fake (fake_github_content::add_hook); its handler(),
/// given to fake_github_options::on_redelivery, queues each accepted POST …/attempts, and its
/// thread re-sends that delivery as GitHub does (POST with X-GitHub-Event, X-GitHub-Delivery = the
/// same GUID, X-GitHub-Hook-ID, X-Hub-Signature-256 under `secret`, the same body) to `url` (a
/// running tributary-ingest), then adds a new attempt, with the status it got, at the head of the
/// history the fake lists. Made before the fake (whose options need the handler), attached to it
/// after; stop() (or the destructor) must come before the fake is destroyed.
class fake_hook_sender {
 public:
  fake_hook_sender(std::string org, std::int64_t hook_id, replay::target_url url, std::string secret);
  ~fake_hook_sender();
  fake_hook_sender(const fake_hook_sender&) = delete;
  fake_hook_sender& operator=(const fake_hook_sender&) = delete;

  redelivery_handler handler() const;
  void attach(fake_github& fake);
  /// Replaces the history (newest first) and installs it in the attached fake.
  void set_history(std::vector<stored_delivery> newest_first);
  std::vector<stored_delivery> history() const;

  /// Sends one stored delivery as GitHub would and returns the status (0: no answer). For a
  /// delivery that reached ingest before the sweep (an "already folded" one).
  unsigned send(const stored_delivery& delivery) const;

  /// The GUIDs re-sent so far, in order, each with the status ingest gave.
  std::vector<std::pair<std::string, unsigned>> resent() const;
  /// Waits until every accepted redelivery was re-sent (or `limit` passed); false on the limit.
  bool wait_idle(std::chrono::milliseconds limit) const;
  void stop();

  struct shared;  // the queue the fake's thread fills and this object's thread empties

 private:
  void run();
  std::vector<fake_delivery> listing() const;
  void install(const std::vector<fake_delivery>& listed);  // never under shared->mutex

  std::string org_;
  std::int64_t hook_id_;
  replay::target_url url_;
  std::string secret_;
  std::shared_ptr<shared> shared_;
  fake_github* fake_ = nullptr;
  std::thread thread_;
};

}  // namespace tributary::testing
