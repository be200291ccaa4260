#pragma once
// Everything of nabla::data: datasets, subsets and random_split, the DataLoader and its
// DistributedSampler, the Standardizer, CSV tables, evaluation metrics, and images: IDX
// files, Fashion-MNIST, the 8 x 8 digits and augmentation.
#include "nabla/data/augment.h"
#include "nabla/data/csv.h"
#include "nabla/data/dataloader.h"
#include "nabla/data/dataset.h"
#include "nabla/data/digits.h"
#include "nabla/data/distributed_sampler.h"
#include "nabla/data/fashion_mnist.h"
#include "nabla/data/idx.h"
#include "nabla/data/metrics.h"
#include "nabla/data/standardizer.h"
#include "nabla/data/subset.h"
#include "nabla/data/table.h"
