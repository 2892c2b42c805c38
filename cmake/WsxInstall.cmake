# A relocatable package: find_package(wsx CONFIG) gives wsx::runtime and
# wsx::compat; wsx.pc serves pkg-config. Paths are relative to the prefix.
include(CMakePackageConfigHelpers)

install(TARGETS wsx_runtime wsx_compat EXPORT wsxTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY runtime/include/wsx DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Until the compat layer has headers the folder does not exist in a checkout
# (git keeps no empty folders), and installing it would fail.
if(EXISTS ${PROJECT_SOURCE_DIR}/compat/include/wsx)
  install(DIRECTORY compat/include/wsx DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()

set(WSX_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/wsx)
install(EXPORT wsxTargets NAMESPACE wsx:: DESTINATION ${WSX_CMAKE_DIR})
configure_package_config_file(cmake/wsxConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/wsxConfig.cmake
  INSTALL_DESTINATION ${WSX_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/wsxConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/wsxConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/wsxConfigVersion.cmake
  DESTINATION ${WSX_CMAKE_DIR})

# The libraries are static, so what they link privately goes on Libs.
if(WSX_USE_MIMALLOC)
  set(WSX_PC_EXTRA_LIBS "-lmimalloc")
else()
  set(WSX_PC_EXTRA_LIBS "")
endif()
if(WIN32)
  set(WSX_PC_SYSTEM_LIBS "-lws2_32 -lsynchronization -lntdll")
else()
  set(WSX_PC_SYSTEM_LIBS "-pthread")
endif()
set(WSX_PC_LIBS "")
foreach(lib wsx_compat wsx_runtime)
  get_target_property(type ${lib} TYPE)
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    string(APPEND WSX_PC_LIBS " -l${lib}")
  endif()
endforeach()
configure_file(cmake/wsx.pc.in ${CMAKE_CURRENT_BINARY_DIR}/wsx.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/wsx.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
