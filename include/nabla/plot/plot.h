#pragma once
// Figures drawn by gnuplot: panels of lines, points, bands and heat maps saved as PNG files,
// and the ready-made panels of training (loss curves, predicted vs true).
#include "nabla/plot/charts.h"
#include "nabla/plot/figure.h"
