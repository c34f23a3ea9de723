# Manual pages, shell completion, `git stablepick`, the install rules and the Debian package.
# Included by CMakeLists.txt once the stablepick target exists.

# Manual pages and completion, made from the binary's own --help text (cmake/StablepickDocs.cmake)
# whenever the binary changes.
set(STABLEPICK_DOCS_DIR ${CMAKE_BINARY_DIR}/docs)
add_custom_command(
  OUTPUT ${STABLEPICK_DOCS_DIR}/stamp
  COMMAND ${CMAKE_COMMAND} -DSTABLEPICK=$<TARGET_FILE:stablepick> -DREADME=${CMAKE_SOURCE_DIR}/README.md
          -DOUTPUT_DIR=${STABLEPICK_DOCS_DIR} -P ${CMAKE_SOURCE_DIR}/cmake/StablepickDocs.cmake
  DEPENDS stablepick ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/cmake/StablepickDocs.cmake
  COMMENT "Writing manual pages and shell completion"
  VERBATIM)
add_custom_target(stablepick_docs ALL DEPENDS ${STABLEPICK_DOCS_DIR}/stamp)

# git runs external commands found on PATH as git-<name>.
file(CREATE_LINK stablepick ${CMAKE_BINARY_DIR}/git-stablepick SYMBOLIC)

# zsh's directory for completion functions. Debian's zsh reads /usr/local/share/zsh/site-functions
# and /usr/share/zsh/vendor-completions, not /usr/share/zsh/site-functions: the Debian package
# moves them there (cmake/StablepickDebianLayout.cmake).
set(STABLEPICK_ZSH_COMPLETION_DIR "${CMAKE_INSTALL_DATADIR}/zsh/site-functions" CACHE STRING
    "where zsh completion functions are installed, relative to the prefix")

install(TARGETS stablepick RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${CMAKE_BINARY_DIR}/git-stablepick DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${STABLEPICK_DOCS_DIR}/man1 DESTINATION ${CMAKE_INSTALL_MANDIR})
install(DIRECTORY ${STABLEPICK_DOCS_DIR}/bash/ DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(DIRECTORY ${STABLEPICK_DOCS_DIR}/zsh/ DESTINATION ${STABLEPICK_ZSH_COMPLETION_DIR})
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package: `cpack -G DEB` in the build directory.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME stablepick)
set(CPACK_PACKAGE_VENDOR "stablepick")
# The maintainer is whoever builds the package, as Debian's tools take it: the option, else
# DEBFULLNAME and DEBEMAIL, else the author of the source's HEAD commit. No address is made up:
# with none of these, cpack refuses (a Debian package needs a maintainer).
set(STABLEPICK_PACKAGE_MAINTAINER "" CACHE STRING "Maintainer of the Debian package (\"Name <address>\")")
set(STABLEPICK_HOMEPAGE "" CACHE STRING "Homepage field of the Debian package (left out when empty)")
set(_stablepick_maintainer "${STABLEPICK_PACKAGE_MAINTAINER}")
if(NOT _stablepick_maintainer AND DEFINED ENV{DEBEMAIL})
  if(DEFINED ENV{DEBFULLNAME})
    set(_stablepick_maintainer "$ENV{DEBFULLNAME} <$ENV{DEBEMAIL}>")
  else()
    set(_stablepick_maintainer "$ENV{DEBEMAIL}")
  endif()
endif()
if(NOT _stablepick_maintainer)
  execute_process(COMMAND git -C ${CMAKE_SOURCE_DIR} log -1 "--format=%an <%ae>"
                  OUTPUT_VARIABLE _stablepick_maintainer OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE _stablepick_git ERROR_QUIET)
  if(NOT _stablepick_git EQUAL 0)
    set(_stablepick_maintainer "")
  endif()
endif()
if(_stablepick_maintainer)
  set(CPACK_PACKAGE_CONTACT "${_stablepick_maintainer}")
  set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${_stablepick_maintainer}")
else()
  message(STATUS "Debian package: no maintainer known; set -DSTABLEPICK_PACKAGE_MAINTAINER=\"Name <address>\" or DEBFULLNAME and DEBEMAIL before cpack")
endif()
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "find the mainline commits that belong in stable branches")
# The long description; CPack puts the summary first and indents the lines as Debian wants.
set(CPACK_PACKAGE_DESCRIPTION
    "stablepick reads a git repository's whole history, remembers every backport
decision made in it (which main commit went to which stable branch, when, as
which commit), and ranks new commits for review with the reasons and the
nearest precedents. It checks each commit against each stable tree, writes
AUTOSEL-style review mails, classifies security fixes and computes a CVE's
affected ranges and records. It runs offline; LLM voters are optional.

Also runs as 'git stablepick'.")
set(CPACK_DEBIAN_PACKAGE_SECTION vcs)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
if(STABLEPICK_HOMEPAGE)
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${STABLEPICK_HOMEPAGE}")
endif()
# Libraries from dpkg-shlibdeps (dpkg-dev); git because `index` and the LLM tools run it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "git")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_STABLEPICK_VERSION_FILE ${STABLEPICK_GENERATED}/version.cmake)
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_SOURCE_DIR}/cmake/StablepickCPack.cmake)
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_SOURCE_DIR}/cmake/StablepickDebianLayout.cmake)
include(CPack)
