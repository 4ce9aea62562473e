# `make package`: Debian packages, one per install component (CmInstall.cmake),
# built by CPack from a tree configured with prefix /usr (the Makefile's
# package target does so in build-package/):
#
#   libcm-zmq1       libCm-zmq.so.1 (soname: the major, docs/versions.md) and
#                    the migration companion it starts
#   libcm-zmq-dev    headers, libCm-zmq.so/libcm.so/libCm.so, cm.pc, CmZmq
#                    CMake package, libcm(3); depends on libcm-zmq1 (= version)
#   cm-zmq-tools     cm, CmNameServer, NameServer.start, CmNameServer@.service,
#                    its system user, cm(1), CmNameServer(8); depends on
#                    libcm-zmq1 (the companion cm starts in migration mode),
#                    suggests libcm-zmq-dev (cm abi-check compares with its
#                    library and headers by default)
#   *-dbgsym         the debug symbols of each, apart (.ddeb): the binaries
#                    in the packages above are stripped
#
# Dependencies on other packages (libzmq5, libstdc++6, Boost) come from
# dpkg-shlibdeps (dpkg-dev), the library's own shlibs file from CPack.
if(NOT CMAKE_CURRENT_SOURCE_DIR STREQUAL CMAKE_SOURCE_DIR)
  return()  # a consumer packages itself
endif()
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "Debian packages (cpack) want -DCMAKE_INSTALL_PREFIX=/usr: `make package` configures "
                 "build-package/ so")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME libcm-zmq)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${CM_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Cm control-command messaging over ZeroMQ")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_SET_DESTDIR ON)  # /etc/default/cm-zmq is installed by an absolute path
set(CPACK_COMPONENTS_ALL runtime dev tools)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # name_version-release_arch.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SOURCE libcm-zmq)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)  # strips, and keeps the symbols in -dbgsym
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)  # "libcm-zmq1 (= 1.0.0)"

foreach(component runtime dev tools)
  string(TOUPPER ${component} C)
  set(CPACK_DEBIAN_${C}_PACKAGE_NAME ${CM_PACKAGE_NAMES_${component}})
endforeach()

set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "Cm control-command messaging over ZeroMQ: the library
libCm-zmq is a drop-in replacement for the legacy Cm library: the same C
API (CmMessage.h, CmConnect.h) over ZeroMQ and msgpack.  Programs written
for Cm are relinked against it without changing a line.")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/debian/triggers)
# The shlibs file (of the one package with a shared object: CPack 3.25 takes
# this setting for all components); minor releases only add, hence >=.
# CPack's own postinst and postrm run ldconfig; the trigger is Debian's way.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

set(CPACK_COMPONENT_DEV_DESCRIPTION "Cm control-command messaging over ZeroMQ: development files
The legacy Cm headers (CmMessage.h, CmConnect.h, Cm.h), the link names
libCm-zmq.so, libcm.so and libCm.so, the pkg-config module cm and the
CMake package CmZmq (imported target CmZmq::cm).")
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DEPENDS runtime)
set(CPACK_DEBIAN_DEV_PACKAGE_RECOMMENDS pkg-config)

set(CPACK_COMPONENT_TOOLS_DESCRIPTION "Cm control-command messaging over ZeroMQ: name server and cm tool
CmNameServer, the name server of a Cm domain, with the systemd unit
CmNameServer@DOMAIN.service and the legacy launcher NameServer.start; and
cm, the command-line tool of a domain (names, ping, send, listen, ...).")
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION net)
set(CPACK_COMPONENT_TOOLS_DEPENDS runtime)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SUGGESTS ${CM_PACKAGE_NAMES_dev})
set(CM_FULL_SYSUSERS_FILE ${CMAKE_INSTALL_PREFIX}/${CM_SYSUSERS_DIR}/cm-zmq-tools.conf)
configure_file(packaging/debian/postinst.in ${PROJECT_BINARY_DIR}/packaging/debian/postinst @ONLY)  # stays executable
file(WRITE ${PROJECT_BINARY_DIR}/packaging/debian/conffiles "${CM_SYSCONF_DESTINATION}/default/cm-zmq\n")
set(CPACK_DEBIAN_TOOLS_PACKAGE_CONTROL_EXTRA
  ${PROJECT_BINARY_DIR}/packaging/debian/postinst ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
  ${PROJECT_SOURCE_DIR}/packaging/debian/postrm ${PROJECT_BINARY_DIR}/packaging/debian/conffiles)

include(CPack)
