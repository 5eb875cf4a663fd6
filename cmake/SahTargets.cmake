# Helpers that keep every CMakeLists.txt in the tree to a few lines.
include_guard(GLOBAL)

# sah_layer(<layer> DEPS <targets...>)
# One static library per layer of harness/ (sah_<layer>), built from every .cc in
# harness/<layer>/ (sub-folders included). Layers link only the layers below them,
# so an include of a higher layer fails to link: the layering is enforced by the build.
function(sah_layer layer)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${layer}/*.cc)
  if(sources)
    add_library(sah_${layer} STATIC ${sources})
    target_link_libraries(sah_${layer} PUBLIC ${ARG_DEPS})
    target_compile_options(sah_${layer} PRIVATE ${SAH_WARNINGS})
    set(scope PUBLIC)
  else()
    add_library(sah_${layer} INTERFACE)
    target_link_libraries(sah_${layer} INTERFACE ${ARG_DEPS})
    set(scope INTERFACE)
  endif()
  target_include_directories(sah_${layer} ${scope} ${PROJECT_SOURCE_DIR})
  target_compile_features(sah_${layer} ${scope} cxx_std_20)
  add_library(sah::${layer} ALIAS sah_${layer})
endfunction()

# sah_layer_tests(<layer> DEPS <targets...>)
# One GoogleTest executable per layer (test_<layer>) from tests/<layer>/*_test.cc;
# every TEST becomes its own ctest entry.
function(sah_layer_tests layer)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${layer}/*_test.cc)
  if(NOT sources)
    return()
  endif()
  add_executable(test_${layer} ${sources})
  if(TARGET sah::${layer})
    target_link_libraries(test_${layer} PRIVATE sah::${layer})
  endif()
  target_link_libraries(test_${layer} PRIVATE sah_test_support ${ARG_DEPS} GTest::gmock_main)
  target_compile_options(test_${layer} PRIVATE ${SAH_WARNINGS})
  target_compile_definitions(test_${layer} PRIVATE
    SAH_SOURCE_DIR="${PROJECT_SOURCE_DIR}" SAH_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(test_${layer} TEST_PREFIX "${layer}." DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "unit;${layer}")
endfunction()

# sah_fuzzer(<name> DEPS <targets...>)
# fuzz/fuzz_<name>.cc with LLVMFuzzerTestOneInput. With SAH_FUZZ_LINKMAIN (the default) it
# links fuzz/standalone_main.cc, so any compiler builds it and ctest replays corpus/<name>/;
# in the fuzz preset it links libFuzzer through SAH_FUZZ_LDFLAGS instead.
function(sah_fuzzer name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  add_executable(fuzz_${name} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_${name}.cc)
  target_link_libraries(fuzz_${name} PRIVATE ${ARG_DEPS})
  target_compile_options(fuzz_${name} PRIVATE ${SAH_WARNINGS})
  if(SAH_FUZZ_LINKMAIN)
    target_sources(fuzz_${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/standalone_main.cc)
  else()
    separate_arguments(ldflags UNIX_COMMAND "${SAH_FUZZ_LDFLAGS}")
    target_link_options(fuzz_${name} PRIVATE ${ldflags})
  endif()
  set_property(GLOBAL APPEND PROPERTY SAH_FUZZERS ${name})
  # Replay every corpus file (seeds, regressions, files users drop in) on every ctest run.
  add_test(NAME corpus.${name}
    COMMAND fuzz_${name} -runs=0 ${PROJECT_SOURCE_DIR}/corpus/${name})
  set_tests_properties(corpus.${name} PROPERTIES LABELS "corpus" TIMEOUT 600)
endfunction()
