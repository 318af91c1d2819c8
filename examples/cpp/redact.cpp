// redact (C++17): the C example's job (examples/c/redact.c, same output), written the way a
// C++ service would use genie's redactor: every genie object owned by a std::unique_ptr
// with its free function as deleter, failures as exceptions, genie_str viewed as
// std::string_view, the stored mapping as a std::map.
//
//   1. redact a support ticket with placeholders (the company's support address allow-listed)
//   2. log an audit record without values (types, byte offsets, counts)
//   3. keep the mapping as plain pairs between the request and the answer
//   4. rebuild it and restore the model's answer, whole and as it streams
//   5. redact a streamed answer 7 bytes at a time with the default operators
//
// Build (from the repository root, after `cargo build --release -p genie-ffi`), one line:
//   c++ -std=c++17 -Iinclude examples/cpp/redact.cpp -Ltarget/release -lgenie
//       -Wl,-rpath,$PWD/target/release -o redact

#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "genie.h"

namespace genie {

// A failed genie call: the stable code (what() starts with it) and genie's message.
class error : public std::runtime_error {
public:
    error(genie_status status, const std::string &message)
        : std::runtime_error(std::string(genie_status_str(status)) + ": " + message),
          status_(status) {}
    genie_status status() const noexcept { return status_; }

private:
    genie_status status_;
};

inline void check(genie_status status) {
    if (status != GENIE_STATUS_OK) {
        throw error(status, genie_last_error_message());
    }
}

// Borrowed, like the genie_str it views: copy it into a std::string to keep it.
inline std::string_view view(genie_str s) {
    return s.ptr == nullptr ? std::string_view() : std::string_view(s.ptr, s.len);
}

inline const std::uint8_t *bytes(std::string_view s) {
    return reinterpret_cast<const std::uint8_t *>(s.data());
}

// One owning pointer type per genie object, each freed by its own _free function.
template <class T, void (*Free)(T *)>
struct deleter {
    void operator()(T *object) const noexcept { Free(object); }
};
using redactor_ptr = std::unique_ptr<genie_redactor, deleter<genie_redactor, genie_redactor_free>>;
using redaction_ptr =
    std::unique_ptr<genie_redaction, deleter<genie_redaction, genie_redaction_free>>;
using mapping_ptr = std::unique_ptr<genie_mapping, deleter<genie_mapping, genie_mapping_free>>;
using string_ptr = std::unique_ptr<genie_string, deleter<genie_string, genie_string_free>>;
using stream_ptr = std::unique_ptr<genie_stream_redactor,
                                   deleter<genie_stream_redactor, genie_stream_redactor_free>>;
using restorer_ptr = std::unique_ptr<genie_stream_restorer,
                                     deleter<genie_stream_restorer, genie_stream_restorer_free>>;

// An empty config means the defaults (profile "general", <TYPE> replacements).
inline redactor_ptr make_redactor(std::string_view config_json = {}) {
    genie_redactor *raw = nullptr;
    check(genie_redactor_new(config_json.data(), config_json.size(), &raw));
    return redactor_ptr(raw);
}

inline redaction_ptr redact(const genie_redactor &redactor, std::string_view text) {
    genie_redaction *raw = nullptr;
    check(genie_redactor_redact(&redactor, bytes(text), text.size(), &raw));
    return redaction_ptr(raw);
}

inline std::string to_string(genie_string &string) {
    genie_str s;
    check(genie_string_view(&string, &s));
    return std::string(view(s));
}

// Placeholder -> value pairs, as an application stores them.
using stored_mapping = std::map<std::string, std::string>;

inline stored_mapping store(const genie_mapping &mapping) {
    std::size_t len = 0;
    check(genie_mapping_len(&mapping, &len));
    stored_mapping pairs;
    for (std::size_t i = 0; i < len; i++) {
        genie_str placeholder, value;
        check(genie_mapping_entry(&mapping, i, &placeholder, &value));
        pairs.emplace(view(placeholder), view(value));
    }
    return pairs;
}

inline std::string restore(const genie_redactor &redactor, std::string_view text,
                           const stored_mapping &pairs) {
    genie_mapping *raw = nullptr;
    check(genie_mapping_new(&raw));
    mapping_ptr mapping(raw);
    for (const auto &[placeholder, value] : pairs) {
        check(genie_mapping_insert(mapping.get(), bytes(placeholder), placeholder.size(),
                                   bytes(value), value.size()));
    }
    genie_string *restored = nullptr;
    check(genie_redactor_restore(&redactor, bytes(text), text.size(), mapping.get(), &restored));
    return to_string(*string_ptr(restored));
}

// Restores one streamed answer; push() and flush() return what can be released.
class stream_restorer {
public:
    explicit stream_restorer(const stored_mapping &pairs) {
        genie_mapping *raw_mapping = nullptr;
        check(genie_mapping_new(&raw_mapping));
        mapping_ptr mapping(raw_mapping);
        for (const auto &[placeholder, value] : pairs) {
            check(genie_mapping_insert(mapping.get(), bytes(placeholder), placeholder.size(),
                                       bytes(value), value.size()));
        }
        genie_stream_restorer *raw = nullptr;
        check(genie_stream_restorer_new(mapping.get(), &raw));  // it copies the mapping
        restorer_.reset(raw);
    }
    std::string push(std::string_view chunk) {
        genie_string *out = nullptr;
        check(genie_stream_restorer_push(restorer_.get(), bytes(chunk), chunk.size(), &out));
        return to_string(*string_ptr(out));
    }
    std::string flush() {
        genie_string *out = nullptr;
        check(genie_stream_restorer_flush(restorer_.get(), &out));
        return to_string(*string_ptr(out));
    }

private:
    restorer_ptr restorer_;
};

// Redacts one streamed text; push() and flush() return what can be released.
class stream_redactor {
public:
    explicit stream_redactor(const genie_redactor &redactor) {
        genie_stream_redactor *raw = nullptr;
        check(genie_stream_redactor_new(&redactor, &raw));
        stream_.reset(raw);
    }
    std::string push(std::string_view chunk) {
        genie_string *out = nullptr;
        check(genie_stream_redactor_push(stream_.get(), bytes(chunk), chunk.size(), &out));
        return to_string(*string_ptr(out));
    }
    std::string flush() {
        genie_string *out = nullptr;
        check(genie_stream_redactor_flush(stream_.get(), &out));
        return to_string(*string_ptr(out));
    }

private:
    stream_ptr stream_;
};

}  // namespace genie

namespace {

constexpr std::string_view config =
    R"({"operators": {"default": {"type": "placeholder"}},)"
    R"( "allowlist": {"values": ["support@acme.com"]}})";

constexpr std::string_view ticket =
    "Subject: locked out after the password reset\n"
    "\n"
    "Hi support@acme.com, this is Maria Gonzalez from Globex. Since yesterday's reset I cannot "
    "sign in. My account e-mail is maria.gonzalez@globex-corp.com; call me on "
    "+1 415 802 3391 if that is quicker. Our gateway at 10.20.30.40 logs \"auth failed\".\n";

constexpr std::string_view answer =
    "Hi [PERSON_1], sorry about that! I have sent a new reset link to [EMAIL_1]. If it has not "
    "arrived in ten minutes we will call you on [PHONE_1]. The failures from [IP_ADDRESS_1] "
    "should stop once you sign in.";

constexpr std::string_view streamed_answer =
    "Done \xe2\x80\x94 I also found a second account, maria.g@example.org, registered with "
    "+1 415 802 3391 in S\xc3\xa3o Paulo.";

genie::stored_mapping redact_ticket(const genie_redactor &redactor) {
    // Fail closed: if this throws, nothing goes to the model.
    genie::redaction_ptr result = genie::redact(redactor, ticket);
    genie_str prompt;
    genie::check(genie_redaction_text(result.get(), &prompt));
    std::cout << "== prompt sent to the model\n" << genie::view(prompt) << '\n';

    std::cout << "== audit record (types, byte offsets and counts; no values)\n";
    std::size_t findings = 0, counts = 0;
    genie::check(genie_redaction_findings_len(result.get(), &findings));
    for (std::size_t i = 0; i < findings; i++) {
        genie_finding f;
        genie::check(genie_redaction_finding(result.get(), i, &f));
        std::cout << "  " << genie::view(f.type) << " at bytes " << f.start << '-' << f.end
                  << ", " << genie::view(f.operator_name) << '\n';
    }
    genie::check(genie_redaction_counts_len(result.get(), &counts));
    for (std::size_t i = 0; i < counts; i++) {
        genie_str type;
        std::uint64_t count;
        genie::check(genie_redaction_counts_entry(result.get(), i, &type, &count));
        std::cout << "  " << genie::view(type) << ": " << count << '\n';
    }

    const genie_mapping *mapping = nullptr;  // borrowed from result
    genie::check(genie_redaction_mapping(result.get(), &mapping));
    return genie::store(*mapping);  // our copy outlives result
}

int run() {
    genie::redactor_ptr redactor = genie::make_redactor(config);
    genie::stored_mapping pairs = redact_ticket(*redactor);
    std::cout << "== the model's answer, restored for the customer\n"
              << genie::restore(*redactor, answer, pairs) << '\n';
    genie::stream_restorer restorer(pairs);
    std::cout << "== the same answer, restored as it streams\n";
    for (std::size_t pos = 0; pos < answer.size(); pos += 7) {
        std::cout << restorer.push(answer.substr(pos, 7));
    }
    std::cout << restorer.flush() << '\n';

    genie::stream_redactor stream(*genie::make_redactor());  // the stream keeps what it needs
    std::cout << "== a streamed answer, redacted as it arrives\n";
    for (std::size_t pos = 0; pos < streamed_answer.size(); pos += 7) {
        std::cout << stream.push(streamed_answer.substr(pos, 7));
    }
    std::cout << stream.flush() << '\n';
    return 0;
}

}  // namespace

int main() {
    try {
        return run();
    } catch (const genie::error &e) {
        std::cerr << e.what() << '\n';
        return 1;
    }
}
