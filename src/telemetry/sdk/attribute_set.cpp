#include "telemetry/sdk/attribute_set.hpp"

#include <cstring>
#include <functional>
#include <string_view>

namespace sc::telemetry::sdk {
namespace {

uint64_t mix(uint64_t seed, uint64_t value) {
    seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
    return seed;
}

uint64_t hash_bytes(std::string_view text) {
    return std::hash<std::string_view> {}(text);
}

uint64_t hash_value(const ValueView& value) {
    uint64_t seed = static_cast<uint64_t>(value.kind());
    switch (value.kind()) {
        case ValueKind::boolean:
            return mix(seed, value.as_bool() ? 1 : 0);
        case ValueKind::integer:
            return mix(seed, static_cast<uint64_t>(value.as_int()));
        case ValueKind::floating: {
            uint64_t bits = 0;
            double number = value.as_double();
            std::memcpy(&bits, &number, sizeof bits);
            return mix(seed, bits);
        }
        case ValueKind::string:
            return mix(seed, hash_bytes(value.as_string()));
        case ValueKind::string_array:
            for (std::string_view text : value.as_string_array())
                seed = mix(seed, hash_bytes(text));
            return seed;
        case ValueKind::integer_array:
            for (int64_t number : value.as_int_array())
                seed = mix(seed, static_cast<uint64_t>(number));
            return seed;
        case ValueKind::floating_array:
            for (double number : value.as_double_array()) {
                uint64_t bits = 0;
                std::memcpy(&bits, &number, sizeof bits);
                seed = mix(seed, bits);
            }
            return seed;
    }
    return seed;
}

template <class T>
bool same_array(std::span<const T> view, const OwnedValue& owned) {
    const auto* values = std::get_if<std::vector<T>>(&owned);
    if (values == nullptr || values->size() != view.size())
        return false;
    for (size_t index = 0; index < view.size(); ++index)
        if (!((*values)[index] == view[index]))
            return false;
    return true;
}

bool same_value(const ValueView& view, const OwnedValue& owned) {
    switch (view.kind()) {
        case ValueKind::boolean:
            return std::holds_alternative<bool>(owned) && std::get<bool>(owned) == view.as_bool();
        case ValueKind::integer:
            return std::holds_alternative<int64_t>(owned) && std::get<int64_t>(owned) == view.as_int();
        case ValueKind::floating:
            return std::holds_alternative<double>(owned) && std::get<double>(owned) == view.as_double();
        case ValueKind::string:
            return std::holds_alternative<std::string>(owned) && std::get<std::string>(owned) == view.as_string();
        case ValueKind::string_array: {
            const auto* values = std::get_if<std::vector<std::string>>(&owned);
            if (values == nullptr || values->size() != view.as_string_array().size())
                return false;
            for (size_t index = 0; index < values->size(); ++index)
                if ((*values)[index] != view.as_string_array()[index])
                    return false;
            return true;
        }
        case ValueKind::integer_array:
            return same_array(view.as_int_array(), owned);
        case ValueKind::floating_array:
            return same_array(view.as_double_array(), owned);
    }
    return false;
}

}  // namespace

SortedAttributes::SortedAttributes(AttributeList attributes) {
    if (attributes.size() > k_inline) {
        m_heap.resize(attributes.size());
        m_items = m_heap.data();
    }
    // Insertion sort: lists are short. Equal keys keep their order so the last one wins below.
    for (const Attribute& attribute : attributes) {
        size_t position = m_size;
        while (position > 0 && m_items[position - 1]->key > attribute.key) {
            m_items[position] = m_items[position - 1];
            --position;
        }
        m_items[position] = &attribute;
        ++m_size;
    }
    size_t kept = 0;
    for (size_t index = 0; index < m_size; ++index) {
        if (index + 1 < m_size && m_items[index + 1]->key == m_items[index]->key)
            continue;
        m_items[kept++] = m_items[index];
    }
    m_size = kept;
    uint64_t seed = 0x51ed270b27a5ce9dULL;
    for (size_t index = 0; index < m_size; ++index) {
        seed = mix(seed, hash_bytes(m_items[index]->key));
        seed = mix(seed, hash_value(m_items[index]->value));
    }
    m_hash = seed;
}

bool SortedAttributes::equals(const KeyValues& owned) const {
    if (owned.size() != m_size)
        return false;
    for (size_t index = 0; index < m_size; ++index) {
        if (owned[index].key != m_items[index]->key || !same_value(m_items[index]->value, owned[index].value))
            return false;
    }
    return true;
}

KeyValues SortedAttributes::to_owned() const {
    KeyValues owned;
    owned.reserve(m_size);
    for (size_t index = 0; index < m_size; ++index)
        owned.push_back({std::string(m_items[index]->key),
                         sdk::to_owned(m_items[index]->value, std::numeric_limits<uint32_t>::max())});
    return owned;
}

}  // namespace sc::telemetry::sdk
