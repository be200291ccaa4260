#pragma once

namespace nabla::optim {

// Whether a monitored metric improves by decreasing (a loss) or by increasing (an accuracy).
enum class Mode { min, max };

}  // namespace nabla::optim
