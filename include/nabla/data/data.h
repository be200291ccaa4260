#pragma once
// Everything of nabla::data: datasets, subsets and random_split, the DataLoader, the
// Standardizer, CSV tables and evaluation metrics.
#include "nabla/data/csv.h"
#include "nabla/data/dataloader.h"
#include "nabla/data/dataset.h"
#include "nabla/data/metrics.h"
#include "nabla/data/standardizer.h"
#include "nabla/data/subset.h"
#include "nabla/data/table.h"
