# http_web.cmake (included by nameserver/CMakeLists.txt): the web view's page,
# web/, built at build time -- `npm ci` (the versions of web/package-lock.json,
# from the npm registry) then esbuild -- in the build tree, and embedded in
# CmNameServer (http_embed.cmake -> http_assets_data.cpp).  Without npm the
# name server is built without the page (a warning says so): --http still
# serves the JSON API and /metrics.
#
# Sets CM_WEB_NODE_MODULES (for the browser tests: playwright-core) when npm is there.
set(cm_web_source ${PROJECT_SOURCE_DIR}/web)
set(cm_web_build ${CMAKE_CURRENT_BINARY_DIR}/web)
set(cm_web_files index.html app.js style.css)
set(cm_assets_cpp ${CMAKE_CURRENT_BINARY_DIR}/http_assets_data.cpp)
find_program(NPM_EXECUTABLE npm)
if(NPM_EXECUTABLE)
  # npm ci again only when the locked versions change.
  file(MAKE_DIRECTORY ${cm_web_build})
  add_custom_command(OUTPUT ${cm_web_build}/node_modules/.cm-installed
    COMMAND ${CMAKE_COMMAND} -E copy ${cm_web_source}/package.json ${cm_web_source}/package-lock.json ${cm_web_build}/
    COMMAND ${NPM_EXECUTABLE} ci --no-audit --no-fund --loglevel=error
    COMMAND ${CMAKE_COMMAND} -E touch ${cm_web_build}/node_modules/.cm-installed
    WORKING_DIRECTORY ${cm_web_build}
    DEPENDS ${cm_web_source}/package.json ${cm_web_source}/package-lock.json
    COMMENT "web view: npm ci (web/package-lock.json)")
  file(GLOB cm_web_sources CONFIGURE_DEPENDS ${cm_web_source}/src/*)
  set(cm_web_dist)
  foreach(file ${cm_web_files})
    list(APPEND cm_web_dist ${cm_web_build}/dist/${file})
  endforeach()
  add_custom_command(OUTPUT ${cm_web_dist}
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${cm_web_build}/src
    COMMAND ${CMAKE_COMMAND} -E copy_directory ${cm_web_source}/src ${cm_web_build}/src
    COMMAND ${NPM_EXECUTABLE} run --silent build
    WORKING_DIRECTORY ${cm_web_build}
    DEPENDS ${cm_web_sources} ${cm_web_build}/node_modules/.cm-installed
    COMMENT "web view: esbuild (web/src -> app.js)")
  string(REPLACE ";" "," cm_web_file_list "${cm_web_files}")
  add_custom_command(OUTPUT ${cm_assets_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${cm_assets_cpp} -DDIR=${cm_web_build}/dist -DFILES=${cm_web_file_list}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/http_embed.cmake
    DEPENDS ${cm_web_dist} ${CMAKE_CURRENT_SOURCE_DIR}/http_embed.cmake
    COMMENT "web view: embedding the page in CmNameServer")
  set(CM_WEB_NODE_MODULES ${cm_web_build}/node_modules)
else()
  message(WARNING "npm not found: CmNameServer is built without its web page (--http serves the JSON API "
                  "and /metrics only).  Install npm (make deps) and configure again to have the page.")
  add_custom_command(OUTPUT ${cm_assets_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${cm_assets_cpp} -DFILES= -P ${CMAKE_CURRENT_SOURCE_DIR}/http_embed.cmake
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/http_embed.cmake)
  set(CM_WEB_NODE_MODULES "")
endif()
set(CM_WEB_NODE_MODULES ${CM_WEB_NODE_MODULES} CACHE INTERNAL "the web view's node_modules (tests)")

pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)  # Debian: libcpp-httplib-dev
if(NOT TARGET cmjson)
  add_subdirectory(${PROJECT_SOURCE_DIR}/src/json ${PROJECT_BINARY_DIR}/src/json)
endif()
target_sources(CmNameServer PRIVATE
  http_view.cpp        # --http: the routes of the page, the JSON API, /metrics
  http_queries.cpp     #   what it shows, asked of this name server as any client asks
  http_access.cpp      #   who may kill (--allow-kill, the domain's key)
  http_kill.cpp        #   the kill, as `cm kill` does it
  http_assets.cpp      #   the embedded page
  ${cm_assets_cpp})
target_include_directories(CmNameServer PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(CmNameServer PRIVATE cmjson PkgConfig::HTTPLIB)
