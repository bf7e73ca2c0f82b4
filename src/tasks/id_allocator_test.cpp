// Choosing a new task's id from the tree: reading only the ids a name's lettered candidates can
// collide with must choose what reading every id chooses.
#include "tasks/id_allocator.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sc::tasks {
namespace {

namespace fs = std::filesystem;

class IdCandidatesTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = fs::path(::testing::TempDir()) / ("id-candidates-" + std::to_string(::getpid()));
        fs::remove_all(m_root);
        fs::create_directories(m_root / "current");
        fs::create_directories(m_root / "archive/2026-11");
    }
    void TearDown() override { fs::remove_all(m_root); }
    void touch(const std::string& relative) {
        fs::create_directories((m_root / relative).parent_path());
        std::ofstream((m_root / relative).string()) << "---\ntitle: x\n---\n";
    }
    [[nodiscard]] TaskTree tree() const { return TaskTree(TreeRoot {TreeKind::store, m_root.string()}); }
    static RandomSource fixed() {
        return [n = uint32_t {0}]() mutable { return n++; };
    }
    fs::path m_root;
};

TEST_F(IdCandidatesTest, ReadingTheTreeSkipsEveryIdInUseLikeTheWholeSet) {
    touch("current/add-login-12A.task.md");
    touch("archive/2026-11/add-login-12B.task.md");
    touch("current/add-login-12C/_overview.md");          // a parent folder's id
    touch("current/other-11A/03_add-login-12D.task.md");  // a subtask, by its id without NN_
    touch("current/add-login-11E.task.md");               // another month: not in the way
    touch("current/add-login-page-12F.task.md");          // a longer name: not in the way
    TaskTree tasks = tree();
    IdCandidates from_tree("Add login", "12", tasks, fixed());
    std::set<std::string> all = ids_in_use(tasks);
    IdCandidates from_set("Add login", "12", all, fixed());
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(from_tree.next(), from_set.next());
    IdCandidates again("Add login", "12", tasks, fixed());
    EXPECT_EQ(again.next(), "add-login-12E");
}

TEST_F(IdCandidatesTest, PastZReadsEveryIdOfTheTree) {
    for (char letter = 'A'; letter <= 'Z'; ++letter)
        touch(std::string("current/fix-12") + letter + ".task.md");
    // What the fixed random source makes past Z: the title with a number, then a letter.
    std::set<std::string> none;
    IdCandidates probe("Fix", "12", none, fixed());
    for (int i = 0; i < 26; ++i)
        probe.next();
    std::string first_past_z = probe.next();
    touch("current/" + first_past_z + ".task.md");
    TaskTree tasks = tree();
    IdCandidates from_tree("Fix", "12", tasks, fixed());
    std::string chosen = from_tree.next();
    EXPECT_NE(chosen, first_past_z);
    EXPECT_EQ(ids_in_use(tasks).count(chosen), 0U);
}

}  // namespace
}  // namespace sc::tasks
