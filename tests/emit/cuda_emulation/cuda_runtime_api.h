// The emulated CUDA runtime (cuda_runtime.h here) under the name host code includes.
#pragma once
#include "cuda_runtime.h"
