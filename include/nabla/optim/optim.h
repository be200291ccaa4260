#pragma once
// nabla::optim: optimizers, learning-rate schedulers, regularisation, gradient clipping
// and early stopping.
#include "nabla/optim/adagrad.h"
#include "nabla/optim/adam.h"
#include "nabla/optim/clip_grad.h"
#include "nabla/optim/early_stopping.h"
#include "nabla/optim/lr_scheduler.h"
#include "nabla/optim/mode.h"
#include "nabla/optim/optimizer.h"
#include "nabla/optim/regularization.h"
#include "nabla/optim/rmsprop.h"
#include "nabla/optim/sgd.h"
