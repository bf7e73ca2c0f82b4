#include "worktree/git.hpp"

#include "telemetry/api/telemetry.hpp"

namespace sc::worktree {

namespace {

constexpr telemetry::Tracer k_tracer {"scopecraft.worktree", "0.1.0"};

// The span name: git and its subcommand, plus the worktree/branch verb (low cardinality).
std::string span_name(const std::vector<std::string>& args) {
    std::string name = "git";
    for (size_t i = 0; i < args.size() && i < 2; ++i) {
        if (args[i].empty() || args[i][0] == '-')
            break;
        name += " " + args[i];
        if (args[i] != "worktree")
            break;
    }
    return name;
}

std::string traceparent(const telemetry::SpanContext& context) {
    return "00-" + telemetry::to_hex(context.trace_id) + "-" + telemetry::to_hex(context.span_id) +
           (context.is_sampled() ? "-01" : "-00");
}

}  // namespace

std::string GitOutput::reason() const {
    std::string_view text = err.empty() ? std::string_view(out) : std::string_view(err);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    size_t newline = text.rfind('\n');
    std::string_view last = newline == std::string_view::npos ? text : text.substr(newline + 1);
    for (std::string_view prefix : {"fatal: ", "error: "})
        if (last.substr(0, prefix.size()) == prefix)
            last.remove_prefix(prefix.size());
    return last.empty() ? "git exited with " + std::to_string(code) : std::string(last);
}

Git::Git(std::string main_root) : m_main_root(std::move(main_root)) {
    size_t slash = m_main_root.find_last_of('/');
    m_name = slash == std::string::npos ? m_main_root : m_main_root.substr(slash + 1);
}

Result<GitOutput> Git::run(const std::vector<std::string>& args, const VcsRefs& refs, const std::string& cwd) const {
    return call(args, refs, cwd, false);
}

Result<bool> Git::probe(const std::vector<std::string>& args, const VcsRefs& refs) const {
    GitOutput output = SC_TRY(call(args, refs, {}, true));
    return output.code == 0;
}

Result<GitOutput> Git::call(const std::vector<std::string>& args, const VcsRefs& refs, const std::string& cwd,
                            bool answer_in_exit_code) const {
    telemetry::Span span = k_tracer.start_span(span_name(args), {.kind = telemetry::SpanKind::client});
    telemetry::Scope scope = span.activate();
    if (span.is_recording()) {
        span.set_attribute("process.executable.name", "git");
        std::string command_line = "git";
        for (const std::string& arg : args)
            command_line += " " + arg;
        span.set_attribute("process.command_line", std::string_view(command_line));
        span.set_attribute("vcs.repository.name", std::string_view(m_name));
        if (!refs.head.empty()) {
            span.set_attribute("vcs.ref.head.name", std::string_view(refs.head));
            span.set_attribute("vcs.ref.head.type", "branch");
        }
        if (!refs.base.empty()) {
            span.set_attribute("vcs.ref.base.name", std::string_view(refs.base));
            span.set_attribute("vcs.ref.base.type", "branch");
        }
        if (!refs.revision.empty())
            span.set_attribute("vcs.ref.head.revision", std::string_view(refs.revision));
        if (!refs.work_tree.empty())
            span.set_attribute("scopecraft.worktree.path", std::string_view(refs.work_tree));
    }
    process::SpawnOptions options;
    options.argv.push_back("git");
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.cwd = cwd.empty() ? m_main_root : cwd;
    // Never wait for a password or an editor; messages in English, so reasons read the same.
    options.env = {{"GIT_TERMINAL_PROMPT", "0"}, {"GIT_EDITOR", "true"}, {"LC_ALL", "C"}};
    if (span.context().is_valid())
        options.env.push_back({"TRACEPARENT", traceparent(span.context())});
    Result<process::Captured> ran = process::run(options);
    if (!ran.ok()) {
        span.set_error(error_code_name(ran.error().code), ran.error().message);
        if (ran.error().code == ErrorCode::not_found)
            return make_error(ErrorCode::not_found, "git is not installed (or not in PATH)",
                              "install git: environments are git worktrees");
        return ran.error();
    }
    GitOutput output {ran->exit.shell_code(), std::move(ran->out), std::move(ran->err)};
    span.set_attribute("process.exit.code", static_cast<int64_t>(output.code));
    if (output.code != 0 && !(answer_in_exit_code && output.code == 1))
        span.set_error("git_exit_" + std::to_string(output.code), output.reason());
    return output;
}

Result<std::string> Git::must(const std::vector<std::string>& args, const VcsRefs& refs, const std::string& cwd,
                              const std::string& hint) const {
    GitOutput output = SC_TRY(run(args, refs, cwd));
    if (output.code != 0) {
        std::string command = "git";
        for (size_t i = 0; i < args.size() && i < 3; ++i)
            command += " " + args[i];
        return make_error(ErrorCode::conflict, command + " failed: " + output.reason(), hint);
    }
    return std::move(output.out);
}

}  // namespace sc::worktree
