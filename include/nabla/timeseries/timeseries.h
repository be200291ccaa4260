#pragma once
// Everything of nabla::timeseries, the time-series and system-identification toolkit: series
// from CSV, time-ordered splits and standardisation, lagged windows and forecasts, NARX
// regressors, one-step and free-run prediction, sub-sequence batching and sequence losses,
// recurrent regressors, least squares, and fit metrics.
#include "nabla/timeseries/least_squares.h"
#include "nabla/timeseries/loss.h"
#include "nabla/timeseries/metrics.h"
#include "nabla/timeseries/narx.h"
#include "nabla/timeseries/predict.h"
#include "nabla/timeseries/predictor.h"
#include "nabla/timeseries/recurrent_regressor.h"
#include "nabla/timeseries/series.h"
#include "nabla/timeseries/subsequence.h"
#include "nabla/timeseries/windows.h"
