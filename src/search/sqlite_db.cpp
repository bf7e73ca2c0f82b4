#include "search/sqlite_db.hpp"

#include <sqlite3.h>

namespace sc::search {

namespace {

DbFault fault_of(int code) {
    switch (code & 0xff) {
        case SQLITE_OK:
        case SQLITE_ROW:
        case SQLITE_DONE:
            return DbFault::none;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return DbFault::busy;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return DbFault::corrupt;
        case SQLITE_READONLY:
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
            return DbFault::read_only;
        default:
            return DbFault::other;
    }
}

}  // namespace

Result<Database> Database::open(const std::string& path, Mode mode, int busy_ms) {
    Database db;
    db.m_path = mode == Mode::memory ? std::string(":memory:") : path;
    int flags = SQLITE_OPEN_NOMUTEX;
    flags |= mode == Mode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int code = sqlite3_open_v2(db.m_path.c_str(), &db.m_db, flags, nullptr);
    if (code != SQLITE_OK)
        return db.failure(code, "open");
    sqlite3_busy_timeout(db.m_db, busy_ms);
    sqlite3_extended_result_codes(db.m_db, 1);
    return db;
}

Database::~Database() {
    if (m_db != nullptr)
        sqlite3_close_v2(m_db);
}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        if (m_db != nullptr)
            sqlite3_close_v2(m_db);
        m_db = other.m_db;
        m_path = std::move(other.m_path);
        m_fault = other.m_fault;
        other.m_db = nullptr;
    }
    return *this;
}

Error Database::failure(int code, std::string_view action) {
    m_fault = fault_of(code);
    std::string said = m_db != nullptr ? sqlite3_errmsg(m_db) : sqlite3_errstr(code);
    std::string hint;
    switch (m_fault) {
        case DbFault::busy:
            hint = "another sc is updating the search index; try again in a moment";
            break;
        case DbFault::corrupt:
            hint = "the index is derived data: run `sc search --reindex` to rebuild it";
            break;
        case DbFault::read_only:
            hint = "make the folder writable, or point --telemetry-dir at a writable one";
            break;
        default:
            break;
    }
    ErrorCode error_code = m_fault == DbFault::busy ? ErrorCode::conflict : ErrorCode::io;
    return make_error(error_code, "search index " + m_path + ": " + std::string(action) + " failed: " + said,
                      std::move(hint));
}

Status Database::exec(std::string_view sql) {
    std::string text(sql);
    char* message = nullptr;
    int code = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);
    if (code != SQLITE_OK)
        return failure(code, "update");
    m_fault = DbFault::none;
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* statement = nullptr;
    int code = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    if (code != SQLITE_OK)
        return failure(code, "prepare");
    return Statement(this, statement);
}

Statement::~Statement() {
    if (m_statement != nullptr)
        sqlite3_finalize(m_statement);
}

Statement& Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text(m_statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind_borrowed(int index, std::string_view text) {
    sqlite3_bind_text(m_statement, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    return *this;
}

Statement& Statement::bind(int index, int64_t value) {
    sqlite3_bind_int64(m_statement, index, value);
    return *this;
}

Statement& Statement::bind(int index, double value) {
    sqlite3_bind_double(m_statement, index, value);
    return *this;
}

Statement& Statement::bind_null(int index) {
    sqlite3_bind_null(m_statement, index);
    return *this;
}

Result<bool> Statement::step() {
    int code = sqlite3_step(m_statement);
    if (code == SQLITE_ROW)
        return true;
    if (code == SQLITE_DONE)
        return false;
    Error error = m_db->failure(code, "query");
    sqlite3_reset(m_statement);
    return error;
}

Status Statement::run() {
    Result<bool> stepped = step();
    reset();
    if (!stepped.ok())
        return std::move(stepped).error();
    return {};
}

void Statement::reset() {
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

std::string Statement::text(int column) const {
    const unsigned char* value = sqlite3_column_text(m_statement, column);
    int size = sqlite3_column_bytes(m_statement, column);
    return value == nullptr ? std::string()
                            : std::string(reinterpret_cast<const char*>(value), static_cast<size_t>(size));
}

int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(m_statement, column);
}
double Statement::real(int column) const {
    return sqlite3_column_double(m_statement, column);
}
bool Statement::is_null(int column) const {
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

}  // namespace sc::search
