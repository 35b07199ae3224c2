# What `cmake --install` puts where (docs/LIBRARY.md): the program and its man page, and the library
# for embedding programs — libmailverify.a, the public headers, a CMake package and a pkg-config file.
# Only include/mailverify/ is installed; every other header stays private to the build.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS mailverify RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Man pages are installed compressed (Debian policy 12.1); -n keeps the bytes reproducible.
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/mailverify.1.gz
                   COMMAND sh -c "gzip -9nc '${PROJECT_SOURCE_DIR}/docs/mailverify.1' > mailverify.1.gz"
                   WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
                   DEPENDS ${PROJECT_SOURCE_DIR}/docs/mailverify.1 VERBATIM)
add_custom_target(mailverify_man_gz ALL DEPENDS ${PROJECT_BINARY_DIR}/mailverify.1.gz)
install(FILES ${PROJECT_BINARY_DIR}/mailverify.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(TARGETS mailverify_lib ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(FILES ${PROJECT_SOURCE_DIR}/include/mailverify/mailverify.h
              ${PROJECT_SOURCE_DIR}/include/mailverify/resolver.h
              ${PROJECT_SOURCE_DIR}/include/mailverify/verifier.h
              ${PROJECT_BINARY_DIR}/include/mailverify/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mailverify COMPONENT dev)

set(MV_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mailverify)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mailverifyConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/mailverifyConfig.cmake
                              INSTALL_DESTINATION ${MV_CMAKE_DIR}
                              PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR)
# 0.x: only the same minor version is compatible (docs/LIBRARY.md, "ABI and API").
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mailverifyConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mailverifyConfig.cmake
              ${PROJECT_BINARY_DIR}/mailverifyConfigVersion.cmake
        DESTINATION ${MV_CMAKE_DIR} COMPONENT dev)

file(RELATIVE_PATH MV_PC_TO_PREFIX /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" MV_PC_TO_PREFIX "${MV_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/mailverify.pc.in ${PROJECT_BINARY_DIR}/mailverify.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mailverify.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT dev)
