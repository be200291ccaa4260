#pragma once
// Saving and loading: safetensors files of tensors and modules, training checkpoints, image
// grids as PNG files, and the atomic file writing they share.
#include "nabla/io/atomic_file.h"
#include "nabla/io/checkpoint.h"
#include "nabla/io/image.h"
#include "nabla/io/safetensors.h"
