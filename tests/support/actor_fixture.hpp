#pragma once
// A CAF actor system on the deterministic test coordinator: nothing runs
// until the test says so, and time only moves with the manual clock.

#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

namespace hems::test {

struct actor_fixture {
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  caf::scheduler::test_coordinator* scheduler = nullptr;

  actor_fixture() {
    config.set("scheduler.policy", caf::atom("testing"));
    config.set("logger.verbosity", caf::atom("quiet"));
    system = std::make_unique<caf::actor_system>(config);
    scheduler = &dynamic_cast<caf::scheduler::test_coordinator&>(system->scheduler());
  }

  /// Actors still alive at the end (the test's handles are gone by now) get
  /// their remaining messages run, so the system can shut down.
  ~actor_fixture() { run(); }

  /// Runs every pending message to completion.
  void run() { scheduler->run(); }

  /// Sends a request, runs the system, and returns the single reply.
  template <class Reply, class Handle, class... Ts>
  Reply ask(const Handle& to, Ts&&... xs) {
    caf::scoped_actor self{*system};
    self->send(to, std::forward<Ts>(xs)...);
    run();
    Reply reply{};
    bool received = false;
    self->receive([&](Reply& r) {
      reply = std::move(r);
      received = true;
    },
                  [&](caf::error& err) { BOOST_FAIL(system->render(err)); },
                  caf::after(std::chrono::seconds(0)) >> [] {});
    BOOST_REQUIRE_MESSAGE(received, "no reply");
    return reply;
  }
};

} // namespace hems::test
