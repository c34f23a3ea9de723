# Read by cpack when it packages: the version is the one the last build wrote (a commit since
# the last cmake run changes it, and cmake need not run again).
include("${CPACK_STABLEPICK_VERSION_FILE}")
set(CPACK_PACKAGE_VERSION "${STABLEPICK_DEB_VERSION}")
set(CPACK_DEBIAN_PACKAGE_VERSION "${STABLEPICK_DEB_VERSION}")
