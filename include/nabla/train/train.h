#pragma once
// The Keras-style training loop: Trainer (fit / evaluate / predict), its callbacks, Ctrl-C and the
// progress bar.
#include "nabla/train/callback.h"
#include "nabla/train/callbacks.h"
#include "nabla/train/interrupt.h"
#include "nabla/train/progress_bar.h"
#include "nabla/train/trainer.h"
