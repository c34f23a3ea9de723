#include "stablepick/core/error.hpp"

namespace stablepick {

int exit_code_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidInput:
            return exit_code::kInvalidInput;
        case ErrorCode::kNotFound:
            return exit_code::kNotFound;
        case ErrorCode::kAmbiguous:
            return exit_code::kAmbiguous;
        case ErrorCode::kUnavailable:
            return exit_code::kUnavailable;
        case ErrorCode::kCorrupt:
            return exit_code::kCorrupt;
        case ErrorCode::kIo:
            return exit_code::kIo;
        case ErrorCode::kConflict:
            return exit_code::kConflict;
        case ErrorCode::kInternal:
            return exit_code::kFailure;
    }
    return exit_code::kFailure;
}

}  // namespace stablepick
