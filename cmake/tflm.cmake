# TensorFlow Lite Micro compiled in place from a checkout (never copied into the tree), with the
# sources and flags of its own Makefile's `microlite` target (tensorflow/lite/micro/tools/make,
# BUILD_TYPE=default): the core at -Os, the kernels listed in sources.inc at -O2, no NDEBUG.
#
#   hil_add_tflm_library(TARGET name [TFLM_DIR dir] [FLATBUFFERS_DIR dir] [GEMMLOWP_DIR dir] [RUY_DIR dir]
#                        [OPTIMIZED cmsis_nn] [CMSIS_DIR dir] [CMSIS_NN_DIR dir] [PLATFORM_DIR dir])
# Defines the static library `name`; its users get TFLM's include paths (as system headers) and the
# defines that change TFLM's structs (TF_LITE_STATIC_MEMORY). Directories default to the HIL_*_DIR
# cache variables below.
# OPTIMIZED names a folder of tensorflow/lite/micro/kernels whose files replace the reference kernels
# of the same name, as the Makefile's OPTIMIZED_KERNEL_DIR does; cmsis_nn also compiles CMSIS-NN.
# PLATFORM_DIR replaces core files the same way, as its TARGET does (e.g. cortex_m_generic's
# debug_log.cc); without it the core logs to stderr. A target's CPU flags are the caller's: for
# cortex_m_generic, -mcpu=..., -funsigned-char, CPU_M4=1, TF_LITE_MCU_DEBUG_LOG and
# CMSIS_DEVICE_ARM_CORTEX_M_XX_HEADER_FILE (targets/cortex_m_generic_makefile.inc).
# Left out: the signal library's kernels, which need kissfft (not in ../shared/third_party).

# Empty cache entries mean "look beside the shared folder", as HIL_SHARED_DIR does: a TFLM checkout
# of the user's own keeps its dependencies under tensorflow/lite/micro/tools/make/downloads/.
set(HIL_TFLM_DIR "" CACHE PATH "TensorFlow Lite Micro checkout (default: HIL_SHARED_DIR/third_party/tflite-micro)")
if(NOT HIL_TFLM_DIR AND HIL_SHARED_DIR AND IS_DIRECTORY "${HIL_SHARED_DIR}/third_party/tflite-micro")
  set(HIL_TFLM_DIR "${HIL_SHARED_DIR}/third_party/tflite-micro")
endif()

foreach(_dep flatbuffers:flatbuffers gemmlowp:gemmlowp ruy:ruy cmsis:cmsis cmsis-nn:cmsis_nn)
  string(REPLACE ":" ";" _dep "${_dep}")
  list(GET _dep 0 _sibling)
  list(GET _dep 1 _download)
  string(TOUPPER "HIL_${_download}_DIR" _var)
  set(${_var} "" CACHE PATH "${_sibling} for TensorFlow Lite Micro (default: beside HIL_TFLM_DIR or in its downloads/)")
  if(NOT ${_var} AND HIL_TFLM_DIR)
    foreach(_candidate "${HIL_TFLM_DIR}/tensorflow/lite/micro/tools/make/downloads/${_download}"
                       "${HIL_TFLM_DIR}/../${_sibling}")
      if(IS_DIRECTORY "${_candidate}")
        get_filename_component(${_var} "${_candidate}" ABSOLUTE)
        break()
      endif()
    endforeach()
  endif()
endforeach()

# The files a Makefile fragment assigns to `var` (a `var := \` block of $(TENSORFLOW_ROOT)... lines).
function(_hil_tflm_make_list out tflm_dir fragment var)
  file(READ "${tflm_dir}/${fragment}" text)
  string(REGEX MATCH "\n${var} :=[ \t]*\\\\\n([^\n]*\\\\\n)*[^\n]*" block "${text}")
  string(REGEX MATCHALL "\\$\\(TENSORFLOW_ROOT\\)[^ \t\n\\\\]+" items "${block}")
  list(TRANSFORM items REPLACE "^\\$\\(TENSORFLOW_ROOT\\)" "${tflm_dir}/")
  if(NOT items)
    message(FATAL_ERROR "TFLM at ${tflm_dir}: no ${var} list in ${fragment} (a layout this build does not know)")
  endif()
  set(${out} "${items}" PARENT_SCOPE)
endfunction()

# Each file whose name also exists in `dir` is replaced by that one (the Makefile's specialize_files.py).
function(_hil_tflm_specialize out dir)
  set(result "")
  foreach(f IN LISTS ARGN)
    get_filename_component(name "${f}" NAME)
    if(dir AND EXISTS "${dir}/${name}")
      list(APPEND result "${dir}/${name}")
    else()
      list(APPEND result "${f}")
    endif()
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

function(hil_add_tflm_library)
  cmake_parse_arguments(PARSE_ARGV 0 arg ""
    "TARGET;TFLM_DIR;FLATBUFFERS_DIR;GEMMLOWP_DIR;RUY_DIR;OPTIMIZED;CMSIS_DIR;CMSIS_NN_DIR;PLATFORM_DIR" "")
  foreach(dir TFLM FLATBUFFERS GEMMLOWP RUY CMSIS CMSIS_NN)
    if(NOT arg_${dir}_DIR)
      set(arg_${dir}_DIR "${HIL_${dir}_DIR}")
    endif()
  endforeach()
  set(required TFLM FLATBUFFERS GEMMLOWP RUY)
  if(arg_OPTIMIZED STREQUAL "cmsis_nn")
    list(APPEND required CMSIS CMSIS_NN)
  endif()
  foreach(dir IN LISTS required)
    if(NOT IS_DIRECTORY "${arg_${dir}_DIR}")
      message(FATAL_ERROR "hil_add_tflm_library(${arg_TARGET}): no ${dir} folder (set HIL_${dir}_DIR or pass ${dir}_DIR)")
    endif()
  endforeach()
  set(tflm "${arg_TFLM_DIR}")
  set(micro "${tflm}/tensorflow/lite/micro")

  # Core: the Makefile's MICROLITE_CC_BASE_SRCS (micro/, its allocator, planner and bridge folders,
  # and every .cc of tensorflow/ outside lite/micro and lite/experimental) without tests and array.cc.
  file(GLOB core "${micro}/*.cc" "${micro}/arena_allocator/*.cc" "${micro}/memory_planner/*.cc"
                 "${micro}/tflite_bridge/*.cc")
  file(GLOB_RECURSE shared "${tflm}/tensorflow/*.cc" "${tflm}/tensorflow/*.c")
  list(FILTER shared EXCLUDE REGEX "^${tflm}/tensorflow/lite/(micro|experimental)/")
  list(REMOVE_ITEM shared "${tflm}/tensorflow/lite/array.cc")
  list(APPEND core ${shared})
  list(FILTER core EXCLUDE REGEX "(_test|benchmark)\\.cc$")
  if(arg_PLATFORM_DIR)
    _hil_tflm_specialize(core "${arg_PLATFORM_DIR}" ${core})
  endif()

  _hil_tflm_make_list(kernels "${tflm}" tensorflow/lite/micro/tools/make/sources.inc MICROLITE_CC_KERNEL_SRCS)
  set(defines TF_LITE_STATIC_MEMORY TF_LITE_DISABLE_X86_NEON KERNELS_OPTIMIZED_FOR_SPEED)
  set(private_defines "")
  if(NOT CMAKE_CROSSCOMPILING)
    list(APPEND private_defines TF_LITE_USE_CTIME)
  endif()
  set(includes "${tflm}" "${arg_FLATBUFFERS_DIR}/include" "${arg_GEMMLOWP_DIR}" "${arg_RUY_DIR}")
  if(arg_OPTIMIZED)
    if(NOT IS_DIRECTORY "${micro}/kernels/${arg_OPTIMIZED}")
      message(FATAL_ERROR "hil_add_tflm_library(${arg_TARGET}): no kernel folder ${micro}/kernels/${arg_OPTIMIZED}")
    endif()
    _hil_tflm_specialize(kernels "${micro}/kernels/${arg_OPTIMIZED}" ${kernels})
    string(TOUPPER "${arg_OPTIMIZED}" opt_define)
    list(APPEND defines ${opt_define})
  endif()
  if(arg_OPTIMIZED STREQUAL "cmsis_nn")
    # ext_libs/cmsis_nn.inc: int8/int16 sources only (ARM_NN_ENABLE_F16/F32 = 0).
    file(GLOB_RECURSE cmsis_nn_srcs "${arg_CMSIS_NN_DIR}/Source/*.c")
    list(FILTER cmsis_nn_srcs EXCLUDE REGEX "(_f16|_f32|/arm_nntables_flt)\\.c$")
    list(APPEND kernels ${cmsis_nn_srcs})
    list(APPEND defines ARM_NN_ENABLE_F16=0 ARM_NN_ENABLE_F32=0)
    list(APPEND includes "${arg_CMSIS_DIR}" "${arg_CMSIS_NN_DIR}" "${arg_CMSIS_DIR}/CMSIS/Core/Include"
                         "${arg_CMSIS_NN_DIR}/Include")
  endif()

  # Kernels are compiled apart only to get the Makefile's -O2 for them and -Os for the core.
  add_library(${arg_TARGET}_kernels OBJECT ${kernels})
  add_library(${arg_TARGET} STATIC ${core} $<TARGET_OBJECTS:${arg_TARGET}_kernels>)
  foreach(t ${arg_TARGET} ${arg_TARGET}_kernels)
    set_target_properties(${t} PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON C_STANDARD 17)
    target_include_directories(${t} SYSTEM PUBLIC ${includes})
    target_compile_definitions(${t} PUBLIC ${defines} PRIVATE ${private_defines})
    # -UNDEBUG undoes the build type's NDEBUG: the Makefile's default build keeps TFLM's checks.
    # -g0: it is a dependency, debugged seldom; debug info costs 15% of its build time.
    target_compile_options(${t} PRIVATE -w -g0 -UNDEBUG -fno-unwind-tables -fno-asynchronous-unwind-tables
      -ffunction-sections -fdata-sections -fmessage-length=0
      $<$<COMPILE_LANGUAGE:CXX>:-fno-rtti -fno-exceptions -fno-threadsafe-statics>)
  endforeach()
  target_compile_options(${arg_TARGET} PRIVATE -Os)
  target_compile_options(${arg_TARGET}_kernels PRIVATE -O2)
  # Every kernel includes the flatbuffers schema through kernel_util.h -> micro_context.h: 4 s of
  # parsing each, most of the library's build time. Precompiled once, it costs about half of that per
  # file (loading the 250 MB precompiled header). Not for the core: half its files are small and do
  # not include the schema, and would pay the load for nothing. (TFLM's headers have include guards,
  # so including them first changes nothing; the oracle tests compare its outputs bit for bit.)
  target_precompile_headers(${arg_TARGET}_kernels PRIVATE
    "$<$<COMPILE_LANGUAGE:CXX>:${tflm}/tensorflow/lite/schema/schema_generated.h>"
    "$<$<COMPILE_LANGUAGE:CXX>:${micro}/kernels/kernel_util.h>"
    "$<$<COMPILE_LANGUAGE:CXX>:${tflm}/tensorflow/lite/kernels/internal/common.h>")
endfunction()
