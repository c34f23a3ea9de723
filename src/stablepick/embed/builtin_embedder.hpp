#pragma once
// The builtin embedder (`builtin:`): the model learned from the repository's own history
// (builtin_model.hpp) behind the Embedder interface. Needs no service and downloads nothing.
//
// Thread safety: as Embedder's; embed() runs on every core and may also run concurrently
// with itself (the model is immutable).
#include <memory>

#include "stablepick/embed/builtin_model.hpp"
#include "stablepick/embed/embedder.hpp"

namespace stablepick {

class BuiltinEmbedder final : public Embedder {
  public:
    explicit BuiltinEmbedder(BuiltinModel model)
        : model_(std::make_shared<const BuiltinModel>(std::move(model))) {}

    std::string id() const override { return model_->id(); }
    std::string url() const override { return "builtin:"; }
    std::optional<int> dimension() const override { return model_->dimension(); }
    using Embedder::embed;
    // model().embed(commit_terms(text)) for each commit; hands over all of them at once.
    Result<std::vector<std::vector<float>>> embed(std::span<const CommitText> commits,
                                                  const FinishedVectors& finished) override;

    // The model itself, for what only it has: the TF-IDF vectors `similar` re-ranks by.
    const BuiltinModel& model() const { return *model_; }

  private:
    std::shared_ptr<const BuiltinModel> model_;
};

// The builtin model behind `embedder`; null when it is another backend.
const BuiltinModel* builtin_model_of(const Embedder& embedder);

}  // namespace stablepick
