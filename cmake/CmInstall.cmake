# Install rules, in three components, one per Debian package (CmPackaging.cmake):
#   runtime  libCm-zmq.so.1 and the migration companion it starts   libcm-zmq1
#   dev      headers, libCm-zmq.so, libcm.so, libCm.so, cm.pc,
#            the CMake package CmZmq, libcm(3)                       libcm-zmq-dev
#   tools    cm, CmNameServer, NameServer.start, the systemd unit,
#            its user, cm(1), CmNameServer(8)                        cm-zmq-tools
# (cm and CmNameServer are installed by tools/ and nameserver/, the companion
# by migration/.)  Everything follows the prefix given at install time
# (`cmake --install build --prefix /opt/x`, DESTDIR): nothing here names a
# configure-time path, except the files under /etc of a /usr install.
#
# CmNameServer goes to bin/, not sbin/: it runs as any user (each domain's
# account, a developer's test domain), needs no privilege, and legacy
# scripts call it by name, while sbin/ is not in an ordinary user's PATH on
# Debian.  Its manual page is in section 8 all the same: it is a daemon.

set(CM_PACKAGE_NAMES_runtime libcm-zmq${PROJECT_VERSION_MAJOR})
set(CM_PACKAGE_NAMES_dev libcm-zmq-dev)
set(CM_PACKAGE_NAMES_tools cm-zmq-tools)

# ---- the library (runtime; its development link in dev) --------------------
install(TARGETS Cm-zmq EXPORT CmZmqTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev)
install(FILES include/Cm/Cm.h include/Cm/CmMessage.h include/Cm/CmConnect.h include/Cm/CmDefs.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/Cm COMPONENT dev)
# libcm.so and libCm.so: relative links made here, installed as files (a link
# is installed as a link) beside the library, wherever that is.
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/install-links)
foreach(alias cm Cm)
  file(CREATE_LINK libCm-zmq.so ${PROJECT_BINARY_DIR}/install-links/lib${alias}.so SYMBOLIC)
  install(FILES ${PROJECT_BINARY_DIR}/install-links/lib${alias}.so DESTINATION ${CMAKE_INSTALL_LIBDIR}
          COMPONENT dev)
endforeach()

# ---- pkg-config: cm.pc (and Cm-zmq.pc, the same) ----------------------------
# cm.pc finds the prefix from where it lies (${pcfiledir}), so it stays true
# when the tree is installed elsewhere or moved.  An absolute libdir or
# includedir (-DCMAKE_INSTALL_LIBDIR=/usr/lib64) is written as it is.
file(RELATIVE_PATH CM_PC_UP "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" CM_PC_UP "${CM_PC_UP}")
set(CM_PC_PREFIX "\${pcfiledir}/${CM_PC_UP}")
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(CM_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")  # cm.pc does not lie under the prefix
endif()
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(CM_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(CM_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
foreach(pc cm Cm-zmq)
  configure_file(cm.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
endforeach()

# ---- CMake: find_package(CmZmq) -> CmZmq::cm --------------------------------
include(CMakePackageConfigHelpers)
set(CM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/CmZmq)
install(EXPORT CmZmqTargets NAMESPACE CmZmq:: DESTINATION ${CM_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(cmake/CmZmqConfig.cmake.in ${PROJECT_BINARY_DIR}/CmZmqConfig.cmake
                              INSTALL_DESTINATION ${CM_CMAKE_DIR})
# A new major is a new ABI (docs/versions.md): only the same major matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/CmZmqConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/CmZmqConfig.cmake ${PROJECT_BINARY_DIR}/CmZmqConfigVersion.cmake
        DESTINATION ${CM_CMAKE_DIR} COMPONENT dev)

# ---- the name server as a service (tools) -----------------------------------
# Files under /etc for a /usr install (as GNUInstallDirs' FULL_SYSCONFDIR
# says), else under the prefix.
if(CMAKE_INSTALL_FULL_SYSCONFDIR STREQUAL "/etc")
  set(CM_SYSCONF_DESTINATION /etc)
else()
  set(CM_SYSCONF_DESTINATION ${CMAKE_INSTALL_SYSCONFDIR})
endif()
set(CM_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING "where the systemd unit goes, under the prefix")
set(CM_SYSUSERS_DIR lib/sysusers.d CACHE STRING "where the sysusers.d file goes, under the prefix")
set(CM_SERVICE_USER cmns CACHE STRING "the system user CmNameServer@.service runs as")
set(CM_ENVIRONMENT_FILE ${CMAKE_INSTALL_FULL_SYSCONFDIR}/default/cm-zmq)
set(CM_FULL_BINDIR ${CMAKE_INSTALL_FULL_BINDIR})
configure_file(packaging/CmNameServer@.service.in ${PROJECT_BINARY_DIR}/packaging/CmNameServer@.service @ONLY)
configure_file(packaging/sysusers.conf.in ${PROJECT_BINARY_DIR}/packaging/cm-zmq-tools.conf @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/CmNameServer@.service DESTINATION ${CM_SYSTEMD_UNIT_DIR}
        COMPONENT tools)
install(FILES ${PROJECT_BINARY_DIR}/packaging/cm-zmq-tools.conf DESTINATION ${CM_SYSUSERS_DIR} COMPONENT tools)
install(FILES packaging/cm-zmq.default DESTINATION ${CM_SYSCONF_DESTINATION}/default RENAME cm-zmq
        COMPONENT tools)
install(PROGRAMS packaging/NameServer.start DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)

# ---- license and changes, in each package's doc directory --------------------
# The date of this release, from its heading in CHANGELOG.md ("## [1.0.0] -
# 2026-12-06"): the man pages' footer and the Debian changelog say it, so a
# rebuild makes the same files.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/CHANGELOG.md)
file(STRINGS CHANGELOG.md cm_release REGEX "^## \\[${PROJECT_VERSION}\\] - ")
string(REGEX MATCH "[0-9]+-[0-9]+-[0-9]+" CM_RELEASE_DATE "${cm_release}")
if(NOT CM_RELEASE_DATE)
  message(WARNING "CHANGELOG.md has no heading '## [${PROJECT_VERSION}] - YYYY-MM-DD': dated today")
  string(TIMESTAMP CM_RELEASE_DATE "%Y-%m-%d" UTC)
endif()
execute_process(COMMAND date -u -R -d "${CM_RELEASE_DATE} 12:00"
                OUTPUT_VARIABLE CM_RELEASE_DATE_RFC2822 OUTPUT_STRIP_TRAILING_WHITESPACE)
set(CM_PACKAGE_MAINTAINER "libCm-zmq maintainers <libcm-zmq@invalid>"
    CACHE STRING "the maintainer the Debian packages name (Maintainer, changelog.Debian)")

# Debian's names: copyright, changelog.gz (CHANGELOG.md), changelog.Debian.gz.
set(cm_docs ${PROJECT_BINARY_DIR}/packaging/doc)
configure_file(packaging/debian/changelog.in ${cm_docs}/changelog.Debian @ONLY)
foreach(pair "CHANGELOG.md;changelog.gz" "${cm_docs}/changelog.Debian;changelog.Debian.gz")
  list(GET pair 0 from)
  list(GET pair 1 to)
  execute_process(COMMAND gzip -9nc INPUT_FILE ${from} OUTPUT_FILE ${cm_docs}/${to} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endforeach()
foreach(component runtime dev tools)
  install(FILES packaging/debian/copyright ${cm_docs}/changelog.Debian.gz
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${CM_PACKAGE_NAMES_${component}} COMPONENT ${component})
endforeach()
install(FILES ${cm_docs}/changelog.gz DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${CM_PACKAGE_NAMES_runtime}
        COMPONENT runtime)

# ---- make uninstall ------------------------------------------------------------
# Removes what the last install wrote (install_manifest.txt), then the
# directories it leaves empty, up to the prefix.  Only when this is the top
# project: a consumer has its own uninstall, if any.
if(CMAKE_CURRENT_SOURCE_DIR STREQUAL CMAKE_SOURCE_DIR AND NOT TARGET uninstall)
  # The prefix as given at install time (--prefix, DESTDIR): the bound of
  # the empty directories uninstall removes.
  # (Component "Unspecified": a whole install, as make install does.)
  install(CODE "file(WRITE \"${PROJECT_BINARY_DIR}/install_prefix.txt\" \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")")
  add_custom_target(uninstall
    COMMAND ${CMAKE_COMMAND} -DMANIFEST=${PROJECT_BINARY_DIR}/install_manifest.txt
            -DPREFIX_FILE=${PROJECT_BINARY_DIR}/install_prefix.txt
            -P ${PROJECT_SOURCE_DIR}/cmake/CmUninstall.cmake
    COMMENT "Removing what install_manifest.txt lists")
endif()
