#pragma once
// Ready-made panels for what every training example draws. Each returns an Axes, to save
// alone or beside other panels:
//
//   const train::History& history = trainer.fit(train_loader, &validation_loader);
//   plot::save({.axes = {plot::loss_curves(history), plot::predicted_vs_true(y_test, y_pred)},
//               .width = 10, .height = 4.5},
//              settings.out_dir / "training.png");
#include <string>

#include "nabla/plot/figure.h"
#include "nabla/train/trainer.h"

namespace nabla::plot {

// The loss per epoch: "loss" as "training" and, when the history has it, "val_loss" as
// "validation", against epochs 1, 2, ...; a log scale when the losses are positive and span
// more than two decades. Throws nabla::Error when the history has no "loss".
Axes loss_curves(const train::History& history, const std::string& title = "loss");

// Every series of `history` against 1, 2, ... (`xlabel`: epoch, iteration, step), each under
// its own name, e.g. a GAN's "discriminator" and "generator" losses per step; a log scale as
// for loss_curves. Throws nabla::Error when the history is empty.
Axes history_curves(const train::History& history, const std::string& title, const std::string& xlabel);

// Each prediction against its true value, with the line y = x that a perfect model's points
// lie on; the axes share one range.
Axes predicted_vs_true(const Values& truth, const Values& predicted, const std::string& title = "predicted vs true",
                       const std::string& label = "");

}  // namespace nabla::plot
