# Run by cpack on the staged files before it packages them (CPACK_PRE_BUILD_SCRIPTS): Debian's
# zsh looks for completion functions in /usr/share/zsh/vendor-completions, and packages put
# them there; /usr/share/zsh/site-functions is not in its fpath.
if(NOT CPACK_GENERATOR STREQUAL "DEB")
  return()
endif()
set(zsh "${CPACK_TEMPORARY_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}/share/zsh")
if(IS_DIRECTORY "${zsh}/site-functions")
  file(RENAME "${zsh}/site-functions" "${zsh}/vendor-completions")
endif()
