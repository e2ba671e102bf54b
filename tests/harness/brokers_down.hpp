#pragma once

#include "tests/harness/broker_control.hpp"

namespace tributary::testing {

/// Every broker of the shared devbroker down for the life of this object, and always up again,
/// even when the test fails halfway. A test binary that uses it must be RUN_SERIAL in CTest, so
/// that no other test sees the outage.
class brokers_down {
 public:
  brokers_down() { control_.down_all(); }
  ~brokers_down() {
    try {
      control_.up_all();
    } catch (...) {
      // Nothing can be done from a destructor; the next test's readiness wait will show it.
    }
  }
  brokers_down(const brokers_down&) = delete;
  brokers_down& operator=(const brokers_down&) = delete;

 private:
  broker_control control_;
};

}  // namespace tributary::testing
