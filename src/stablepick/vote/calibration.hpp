#pragma once
// Maps a raw score to a calibrated probability, fitted on held-out history: isotonic
// regression (pool-adjacent-violators, interpolated between blocks) or Platt scaling
// (a logistic curve fitted with Platt's prior-corrected targets).
//
// Immutable once fitted; apply() is thread safe.
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <vector>

#include "stablepick/core/error.hpp"

namespace stablepick {

class Calibrator {
  public:
    enum class Method { kIsotonic, kPlatt };

    // kInvalidInput with fewer than 2 pairs or only one class.
    static Result<Calibrator> fit(std::span<const double> scores, std::span<const int> labels,
                                  Method method);
    // In [0, 1], never decreasing in `score`.
    double apply(double score) const;
    Method method() const { return method_; }

    nlohmann::json to_json() const;
    static Result<Calibrator> from_json(const nlohmann::json& j);  // kCorrupt when malformed

  private:
    Method method_ = Method::kIsotonic;
    std::vector<double> x_, y_;  // isotonic: block centres and values, x ascending
    double a_ = 0, b_ = 0;       // Platt: p = 1 / (1 + exp(a * s + b))
};

}  // namespace stablepick
