# scripts/package: Debian packages by CPack (docs/PACKAGING.md). Two packages from one install:
#   mailverify      the program, man page, data and whatever else installs without a component
#                   (bash completion); Depends from dpkg-shlibdeps on the executable
#   mailverify-dev  libmailverify.a, include/mailverify/, the CMake package and mailverify.pc;
#                   Depends on the -dev packages the static library needs at link time
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mailverify)
set(CPACK_PACKAGE_VENDOR "mailverify")
set(CPACK_PACKAGE_CONTACT "mailverify maintainers <mailverify@example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME mailverify)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION mail)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "batch DKIM/SPF/DMARC/ARC verifier for mail archives\nmailverify reads mbox, Maildir, .eml/.emlx, PST/OST and IMAP stores and writes\none JSON record per message with its DKIM, SPF, DMARC and ARC results.")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME mailverify-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "mailverify library for embedding (static)\nlibmailverify.a with the mv::Verifier API (include/mailverify/), a CMake\npackage (find_package(mailverify)) and a pkg-config file.")
# The library finds the list of published private keys the program's package installs.
set(CPACK_COMPONENT_DEV_DEPENDS runtime)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
# The static library's own dependencies, needed when a program links it.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libssl-dev, libtbb-dev, libc-ares-dev, libldns-dev, libpsl-dev, libzstd-dev, libpff-dev, libolecf-dev, libbfio-dev, libsodium-dev, libgmp-dev, libsqlite3-dev, libcurl4-openssl-dev | libcurl-dev, zlib1g-dev, liblzma-dev, libbz2-dev, libmimetic-dev, pkgconf | pkg-config")
set(CPACK_STRIP_FILES ON)

# What Debian policy wants in every package's /usr/share/doc: copyright and a compressed changelog.
configure_file(${PROJECT_SOURCE_DIR}/packaging/changelog.in ${PROJECT_BINARY_DIR}/changelog @ONLY)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/changelog.gz
                   COMMAND sh -c "gzip -9nc changelog > changelog.gz"
                   WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
                   DEPENDS ${PROJECT_BINARY_DIR}/changelog VERBATIM)
add_custom_target(mailverify_changelog_gz ALL DEPENDS ${PROJECT_BINARY_DIR}/changelog.gz)
foreach(component runtime dev)
  set(doc_dir ${CMAKE_INSTALL_DATADIR}/doc/mailverify)
  if(component STREQUAL "dev")
    set(doc_dir ${CMAKE_INSTALL_DATADIR}/doc/mailverify-dev)
  endif()
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright ${PROJECT_BINARY_DIR}/changelog.gz
          DESTINATION ${doc_dir} COMPONENT ${component})
endforeach()
include(CPack)
