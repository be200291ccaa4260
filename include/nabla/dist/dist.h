#pragma once
// Everything of nabla::dist (target nabla_dist, built when CMake finds MPI): the process
// group, collectives, DistributedDataParallel and the Trainer's DDPStrategy.
// data::DistributedSampler, which needs no MPI, is part of nabla::data.
#include "nabla/dist/collectives.h"
#include "nabla/dist/ddp_strategy.h"
#include "nabla/dist/distributed_data_parallel.h"
#include "nabla/dist/process_group.h"
