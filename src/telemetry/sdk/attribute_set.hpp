#pragma once
// Attribute sets as metric stream keys: a borrowed list sorted by key (duplicates resolved,
// last wins) with a hash, compared against owned sets without allocating. This is what makes a
// counter add with a few attributes cost tens of nanoseconds.

#include <cstdint>
#include <vector>

#include "telemetry/api/attributes.hpp"
#include "telemetry/sdk/attribute_values.hpp"

namespace sc::telemetry::sdk {

class SortedAttributes {
public:
    explicit SortedAttributes(AttributeList attributes);
    SortedAttributes(const SortedAttributes&) = delete;
    SortedAttributes& operator=(const SortedAttributes&) = delete;

    [[nodiscard]] uint64_t hash() const { return m_hash; }
    [[nodiscard]] size_t size() const { return m_size; }
    [[nodiscard]] const Attribute& operator[](size_t index) const { return *m_items[index]; }
    /// True when `owned` holds the same keys and values (owned sets are kept sorted).
    [[nodiscard]] bool equals(const KeyValues& owned) const;
    [[nodiscard]] KeyValues to_owned() const;

private:
    static constexpr size_t k_inline = 8;
    const Attribute* m_inline[k_inline] {};
    std::vector<const Attribute*> m_heap;
    const Attribute** m_items = m_inline;
    size_t m_size = 0;
    uint64_t m_hash = 0;
};

}  // namespace sc::telemetry::sdk
