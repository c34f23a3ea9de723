#pragma once
// The AUTOSEL review mails of a review run: one per commit the run mails, threaded under the
// first, with the recipients the config asks for (the list or the author, the authors of the
// commits it fixes, the MAINTAINERS entries of its paths), named as `git format-patch` names
// its files.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "stablepick/core/config.hpp"
#include "stablepick/core/error.hpp"
#include "stablepick/review/review.hpp"

namespace stablepick::report {

struct NamedMail {
    std::string file_name;  // "0001-net-fix-a-crash.patch"
    std::string text;
    std::string commit;      // the main commit it proposes
    std::string message_id;  // with its angle brackets
};

// REQUIRES: the run was made with ReviewOptions::with_mail (mailed commits carry MailFacts).
// `now` (seconds since the epoch) makes the Message-Ids. Recipients that are not valid
// addresses are left out, and a commit whose mail can't be sent safely (a bad author address,
// larger than review.max_mail_bytes) is not mailed: `warnings` says which and why.
std::vector<NamedMail> autosel_mails(const review::ReviewRun& run, const ReviewConfig& config,
                                     const std::string& sender, int64_t now,
                                     std::vector<std::string>& warnings);

// "0001-net-fix-a-crash.patch", as git format-patch names it.
std::string mail_file_name(size_t n, const std::string& subject);

// Makes `dir` hold these mails, one file each, in one step: a killed run, a full disk or a
// second run leaves the mails of one run, never a mix. Mails an earlier run wrote there are
// replaced; any other file in `dir` is an error (kInvalidInput) and nothing is written.
Status write_mails(const std::filesystem::path& dir, const std::vector<NamedMail>& mails);

}  // namespace stablepick::report
