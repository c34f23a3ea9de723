# Writes the manual pages and the shell completion into OUTPUT_DIR, from the built binary's
# hidden options (`stablepick --man`, `stablepick --completion bash|zsh`), so they say what
# `--help` says. Inputs: STABLEPICK (the binary), README (README.md), OUTPUT_DIR.
cmake_minimum_required(VERSION 3.25)
foreach(var STABLEPICK README OUTPUT_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "StablepickDocs.cmake: ${var} is not set")
  endif()
endforeach()

function(run_stablepick output)
  execute_process(COMMAND "${STABLEPICK}" ${ARGN} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "stablepick ${ARGN} failed (${rc})")
  endif()
  set(${output} "${out}" PARENT_SCOPE)
endfunction()

# Manual pages: one per command, and git-stablepick(1) for `git stablepick --help`.
file(MAKE_DIRECTORY "${OUTPUT_DIR}/man1")
file(GLOB stale "${OUTPUT_DIR}/man1/*.1")
if(stale)
  file(REMOVE ${stale})  # a command that went away takes its page with it
endif()
run_stablepick(pages --man)
string(REGEX REPLACE "\n$" "" pages "${pages}")
string(REPLACE "\n" ";" pages "${pages}")
foreach(page IN LISTS pages)
  run_stablepick(text --man "${page}" "${README}")
  file(WRITE "${OUTPUT_DIR}/man1/${page}.1" "${text}")
endforeach()
file(WRITE "${OUTPUT_DIR}/man1/git-stablepick.1" ".so man1/stablepick.1\n")

# Completion. git's bash completion loads completions/git-stablepick for `git stablepick`;
# zsh's _git calls _git-stablepick.
file(MAKE_DIRECTORY "${OUTPUT_DIR}/bash" "${OUTPUT_DIR}/zsh")
run_stablepick(text --completion bash)
file(WRITE "${OUTPUT_DIR}/bash/stablepick" "${text}")
file(CREATE_LINK stablepick "${OUTPUT_DIR}/bash/git-stablepick" SYMBOLIC)
run_stablepick(text --completion zsh)
file(WRITE "${OUTPUT_DIR}/zsh/_stablepick" "${text}")
file(WRITE "${OUTPUT_DIR}/zsh/_git-stablepick" "#compdef git-stablepick\n_stablepick \"$@\"\n")
file(TOUCH "${OUTPUT_DIR}/stamp")
