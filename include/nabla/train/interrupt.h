#pragma once
// Ctrl-C as a request to stop training cleanly. While an InterruptHandler is alive, the first
// SIGINT or SIGTERM only sets a flag; Trainer::fit looks at it after every batch and throws
// train::Interrupted, so the stack unwinds (files closed, threads joined) and the message says
// which checkpoint the run can resume from. A second Ctrl-C ends the process at once, for code
// that never looks.
//
//   train::InterruptHandler ctrl_c;  // in main(), around the training
//   try {
//     trainer.fit(loader);           // with TrainerOptions{.checkpoint = "run.ckpt", .resume = true}
//   } catch (const train::Interrupted& stop) {
//     std::cerr << stop.what() << '\n';  // run again to continue from the last epoch's checkpoint
//   }
//
// Hand-written training loops call check_interrupt("who") where stopping is safe.
#include <csignal>
#include <string>

#include "nabla/tensor/error.h"

namespace nabla::train {

class Interrupted : public Error {
 public:
  using Error::Error;
};

class InterruptHandler {
 public:
  InterruptHandler();   // installs the handlers and clears any earlier request
  ~InterruptHandler();  // restores the handlers that were there before
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

// Whether a stop was requested (by a signal while a handler is installed, or by
// request_interrupt) and not yet acted on.
bool interrupt_requested();
// What the signal handler does; also for tests and for stopping from another thread.
void request_interrupt();
// Throws Interrupted("<who>: interrupted<detail>") when a stop was requested, and clears the
// request.
void check_interrupt(const std::string& who, const std::string& detail = "");

}  // namespace nabla::train
