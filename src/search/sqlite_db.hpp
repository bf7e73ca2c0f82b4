#pragma once
// A thin RAII layer over the SQLite C API: a connection and prepared statements, with every
// failure turned into an Error that names the index file and what SQLite said. Only the
// search layer uses SQLite; nothing here is on the path of a command that does not search.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace sc::search {

/// What went wrong at the SQLite level, for the caller's decision (rebuild, wait, fall back).
enum class DbFault {
    none,
    busy,       // another process holds the lock past the timeout
    corrupt,    // not a database, or a damaged one: delete and rebuild
    read_only,  // the file or its folder cannot be written
    other,
};

class Statement;

class Database {
public:
    enum class Mode { read_write_create, read_only, memory };

    /// Opens (or creates) the database at `path`; `busy_ms` is how long a statement waits for
    /// another process's lock before failing with DbFault::busy.
    static Result<Database> open(const std::string& path, Mode mode, int busy_ms);
    Database() = default;
    ~Database();
    Database(Database&& other) noexcept : m_db(other.m_db), m_path(std::move(other.m_path)), m_fault(other.m_fault) {
        other.m_db = nullptr;
    }
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// Runs one or more statements that return no rows.
    Status exec(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);

    /// The fault of the last failure (none after a success).
    [[nodiscard]] DbFault fault() const { return m_fault; }
    [[nodiscard]] const std::string& path() const { return m_path; }
    [[nodiscard]] sqlite3* handle() const { return m_db; }

    /// An Error for the connection's last failure while doing `action`.
    Error failure(int code, std::string_view action);

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
    DbFault m_fault = DbFault::none;
    friend class Statement;
};

class Statement {
public:
    Statement(Database* db, sqlite3_stmt* statement) : m_db(db), m_statement(statement) {}
    ~Statement();
    Statement(Statement&& other) noexcept : m_db(other.m_db), m_statement(other.m_statement) {
        other.m_statement = nullptr;
    }
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    /// 1-based parameter indexes, as SQLite counts them.
    Statement& bind(int index, std::string_view text);
    /// Binds text SQLite reads where it is, without copying it: `text` must stay alive until
    /// run() or reset() (an index update binds a dozen strings per document; the copies were
    /// a twentieth of its cost).
    Statement& bind_borrowed(int index, std::string_view text);
    Statement& bind(int index, int64_t value);
    Statement& bind(int index, double value);
    Statement& bind_null(int index);

    /// True while there is a row; false when done.
    Result<bool> step();
    /// Runs a statement that returns no rows, then resets it for the next bindings.
    Status run();
    void reset();

    [[nodiscard]] std::string text(int column) const;
    [[nodiscard]] int64_t integer(int column) const;
    [[nodiscard]] double real(int column) const;
    [[nodiscard]] bool is_null(int column) const;

private:
    Database* m_db;
    sqlite3_stmt* m_statement;
};

}  // namespace sc::search
