# cmake -DMANIFEST=install_manifest.txt -DPREFIX_FILE=install_prefix.txt -P CmUninstall.cmake
#
# `make uninstall`: removes every file (and link) the last install listed in
# its manifest, then each directory that removal left empty, walking up to
# the install prefix (never the prefix itself, nor anything outside it: a
# /usr install's /etc/default stays).
cmake_minimum_required(VERSION 3.16)  # if(TRUE), while(TRUE) as written
if(NOT EXISTS "${MANIFEST}")
  message(FATAL_ERROR "${MANIFEST} not found: nothing was installed from this build (make install first)")
endif()
file(STRINGS "${MANIFEST}" files)
set(prefix "")
if(EXISTS "${PREFIX_FILE}")
  file(READ "${PREFIX_FILE}" prefix)
  string(REGEX REPLACE "/+$" "" prefix "${prefix}")
endif()

set(directories "")
foreach(file IN LISTS files)
  if(IS_SYMLINK "${file}" OR EXISTS "${file}")
    message(STATUS "Removing ${file}")
    file(REMOVE "${file}")
    if(IS_SYMLINK "${file}" OR EXISTS "${file}")
      message(FATAL_ERROR "could not remove ${file}")
    endif()
  else()
    message(STATUS "Already gone: ${file}")
  endif()
  get_filename_component(dir "${file}" DIRECTORY)
  list(APPEND directories "${dir}")
endforeach()

# Deepest first, so that a parent is empty by the time it is looked at.
if(prefix STREQUAL "")
  return()
endif()
string(LENGTH "${prefix}/" prefix_length)
set(candidates "")
foreach(dir IN LISTS directories)
  while(TRUE)  # dir and its parents strictly under the prefix
    string(LENGTH "${dir}" length)
    string(SUBSTRING "${dir}" 0 ${prefix_length} head)
    if(length LESS_EQUAL prefix_length OR NOT head STREQUAL "${prefix}/")
      break()
    endif()
    list(APPEND candidates "${dir}")
    get_filename_component(dir "${dir}" DIRECTORY)
  endwhile()
endforeach()
list(REMOVE_DUPLICATES candidates)
list(SORT candidates ORDER DESCENDING)  # a child sorts after its parent
foreach(dir IN LISTS candidates)
  file(GLOB left "${dir}/*" "${dir}/.*")
  if(IS_DIRECTORY "${dir}" AND NOT IS_SYMLINK "${dir}" AND left STREQUAL "")
    message(STATUS "Removing empty directory ${dir}")
    file(REMOVE_RECURSE "${dir}")  # seen empty just above
  endif()
endforeach()
file(REMOVE "${MANIFEST}" "${PREFIX_FILE}")
