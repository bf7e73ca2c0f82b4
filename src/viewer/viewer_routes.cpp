#include "viewer/viewer_routes.hpp"

#include "viewer/http_query.hpp"
#include "viewer/live_stream.hpp"
#include "viewer/plain_files.hpp"
#include "viewer/ui_assets.hpp"
#include "viewer/viewer_api.hpp"

namespace sc::viewer {

void add_viewer_routes(server::Router& router, const server::ServeContext& serve) {
    std::string bound_host = serve.host;
    auto guard = [bound_host](server::Handler handler) -> server::Handler {
        return [bound_host, handler = std::move(handler)](const server::Request& request, server::Response& response) {
            add_safety_headers(response);
            std::string why;
            if (!request_allowed(request, bound_host, &why)) {
                response.status = 403;
                response.content_type = "text/plain; charset=utf-8";
                response.body = why + "\n";
                return;
            }
            handler(request, response);
        };
    };

    for (const UiAsset& asset : ui_assets()) {
        server::Route route;
        route.method = "GET";
        route.path = std::string("/ui/") + asset.path;
        route.max_body_bytes = 0;
        route.handler = guard([asset](const server::Request&, server::Response& response) {
            response.content_type = asset.content_type;
            response.body = std::string(asset.body);
            response.set_header("Cache-Control", "no-cache");
        });
        if (std::string_view(asset.path) == "index.html") {
            server::Route index = route;
            index.path = "/ui/";
            router.add(std::move(index));
        }
        router.add(std::move(route));
    }
    server::Route bare;
    bare.method = "GET";
    bare.path = "/ui";
    bare.max_body_bytes = 0;
    bare.handler = guard([](const server::Request&, server::Response& response) {
        response.status = 308;
        response.set_header("Location", "/ui/");
    });
    router.add(std::move(bare));

    add_api_routes(router, serve, guard);
    add_live_stream_route(router, serve, guard);
    add_plain_file_routes(router, serve, guard);
}

}  // namespace sc::viewer
