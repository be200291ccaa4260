#include "nabla/train/interrupt.h"

#include <atomic>

namespace nabla::train {
namespace {

// Lock-free, so the signal handler may set it.
std::atomic<bool> requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_signal(int) { requested.store(true, std::memory_order_relaxed); }

void install(int signal, struct sigaction* previous) {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // The handler runs once: the next signal gets the default action and ends the process.
  action.sa_flags = SA_RESETHAND;
  NABLA_CHECK(sigaction(signal, &action, previous) == 0, "InterruptHandler", "cannot install a handler for signal ",
              signal);
}

}  // namespace

InterruptHandler::InterruptHandler() {
  requested = false;
  install(SIGINT, &previous_int_);
  install(SIGTERM, &previous_term_);
}

InterruptHandler::~InterruptHandler() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

bool interrupt_requested() { return requested.load(std::memory_order_relaxed); }

void request_interrupt() { requested = true; }

void check_interrupt(const std::string& who, const std::string& detail) {
  if (requested.exchange(false)) throw Interrupted(who + ": interrupted" + detail);
}

}  // namespace nabla::train
