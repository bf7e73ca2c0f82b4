#pragma once
// The viewer's UI files, embedded in sc-server at build time (EmbedUi.cmake).

#include <span>
#include <string_view>

namespace sc::viewer {

struct UiAsset {
    const char* path;          // "app.js": served at /ui/app.js ("index.html" also at /ui/)
    const char* content_type;  // "text/javascript; charset=utf-8"
    std::string_view body;
};

std::span<const UiAsset> ui_assets();

}  // namespace sc::viewer
