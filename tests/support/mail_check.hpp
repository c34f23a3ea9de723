#pragma once
// Reads mails back the way their receivers do: `git mailsplit` (how many messages an mbox
// holds), `git mailinfo` (what git am takes), and Python's email parser (what smtplib and most
// mail tools obey), so tests check the header set a mail really has, not the text written.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/fixture_repo.hpp"

namespace stablepick::testing {

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The messages `git mailsplit` finds in an mbox file, each as its text.
inline std::vector<std::string> mailsplit(const std::filesystem::path& mbox) {
    TempDir dir;
    auto r = run_program({"git", "mailsplit", "-o" + dir.path().string(), mbox.string()});
    if (r.exit_code != 0) throw std::runtime_error("git mailsplit failed: " + r.err);
    std::vector<std::filesystem::path> files;
    for (auto& e : std::filesystem::directory_iterator(dir.path())) files.push_back(e.path());
    std::ranges::sort(files);
    std::vector<std::string> out;
    for (auto& f : files) out.push_back(read_file(f));
    return out;
}

struct MailInfo {
    std::string info;  // "Author: ...\nEmail: ...\nSubject: ...\n"
    std::string message, patch;
};

inline MailInfo mailinfo(const std::string& mail) {
    TempDir dir;
    auto r = run_program(
        {"git", "mailinfo", (dir.path() / "msg").string(), (dir.path() / "patch").string()},
        dir.path(), mail);
    if (r.exit_code != 0) throw std::runtime_error("git mailinfo failed: " + r.err);
    return {r.out, read_file(dir.path() / "msg"), read_file(dir.path() / "patch")};
}

// One message parsed by Python's email package (policy=default): the header names in order,
// the decoded Subject, the addresses of From/To/Cc/Bcc as [name, addr-spec] pairs, the
// defects it found, the transfer encoding and the decoded body.
inline nlohmann::json python_parse(const std::string& mail) {
    static const char* script = R"(
import email, email.policy, json, sys
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
def addresses(name):
    out = []
    for h in m.get_all(name) or []:
        out += [[a.display_name, a.addr_spec] for a in h.addresses]
    return out
defects = [type(d).__name__ for d in m.defects]
for k, v in m.items():
    defects += [type(d).__name__ for d in getattr(v, 'defects', [])]
body = m.get_payload(decode=True) or b''
print(json.dumps({
    'headers': list(m.keys()),
    'subject': str(m['Subject'] or ''),
    'from': addresses('From'), 'to': addresses('To'), 'cc': addresses('Cc'),
    'bcc': addresses('Bcc'),
    'defects': defects,
    'transfer_encoding': str(m['Content-Transfer-Encoding'] or ''),
    'body': body.decode('utf-8', 'replace'),
    'body_bytes': len(body),
}))
)";
    auto r = run_program({"python3", "-c", script}, {}, mail);
    if (r.exit_code != 0) throw std::runtime_error("python3 email parse failed: " + r.err);
    return nlohmann::json::parse(r.out);
}

// The header block of a mail (up to the first empty line), one string a physical line.
inline std::vector<std::string> header_lines(const std::string& mail) {
    std::vector<std::string> out;
    std::istringstream in(mail.substr(0, mail.find("\n\n")));
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace stablepick::testing
