# Manual pages, each from one Markdown source in man/ (NAME.SECTION.md),
# turned into roff by pandoc at build time, gzipped as Debian installs them:
#   cm.1         the cm tool (its commands' --help texts are in tools/cmd_*.cpp;
#                compat-tests/packaging checks that the page names each option)
#   CmNameServer.8  the name server, its unit and NameServer.start
#   libcm.3      the C library: linking, environment, files
# The footer carries the release, from project(VERSION), and its date, from
# CHANGELOG.md (CmInstall.cmake).  Without pandoc the
# pages are not built (said here); `make deps` installs it.
find_program(CM_PANDOC pandoc)
find_program(CM_GZIP gzip)
if(NOT CM_PANDOC OR NOT CM_GZIP)
  message(STATUS "pandoc (or gzip) not found: no manual pages (make deps installs pandoc)")
  return()
endif()

set(CM_MAN_PAGES "")
foreach(page cm.1 CmNameServer.8 libcm.3)
  string(REGEX REPLACE "^(.*)\\.([0-9])$" "\\1" name ${page})
  string(REGEX REPLACE "^(.*)\\.([0-9])$" "\\2" section ${page})
  set(source ${PROJECT_SOURCE_DIR}/man/${page}.md)
  set(output ${PROJECT_BINARY_DIR}/man/${page})
  add_custom_command(OUTPUT ${output}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND ${CM_PANDOC} --standalone --from markdown --to man
            --metadata title=${name} --metadata section=${section}
            "--metadata=footer:libCm-zmq ${PROJECT_VERSION}" "--metadata=header:libCm-zmq manual"
            "--metadata=date:${CM_RELEASE_DATE}" --output ${output} ${source}
    COMMAND ${CM_GZIP} -9 --no-name --force --keep ${output}
    DEPENDS ${source} ${PROJECT_SOURCE_DIR}/CMakeLists.txt
    COMMENT "Manual page ${page}" VERBATIM)
  list(APPEND CM_MAN_PAGES ${output}.gz)
  # cm(1) and CmNameServer(8) go with the programs, libcm(3) with the headers.
  if(section STREQUAL "3")
    set(component dev)
  else()
    set(component tools)
  endif()
  install(FILES ${output}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section} COMPONENT ${component})
endforeach()
add_custom_target(cm-man-pages ALL DEPENDS ${CM_MAN_PAGES})
# NameServer.start is described in CmNameServer(8): man NameServer.start finds it.
file(WRITE ${PROJECT_BINARY_DIR}/man/NameServer.start.8 ".so man8/CmNameServer.8\n")
execute_process(COMMAND gzip -9nf ${PROJECT_BINARY_DIR}/man/NameServer.start.8)
install(FILES ${PROJECT_BINARY_DIR}/man/NameServer.start.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8 COMPONENT tools)
