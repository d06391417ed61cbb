# Cortex-M machines the firmware builds for. One entry per emulated board kind (boards/<kind>.yaml
# describes the same machines for the host): CPU flags, memory map, console UART, clock, buffer sizes.
# Memory maps are QEMU 7.2's (`info mtree`); clocks are the machines' SysTick processor clocks.

function(hil_board_config board)
  set(uart cmsdk)
  set(uart_rx_irq "")
  set(flash_origin 0x00000000)
  set(flash_bytes 0x00400000)
  set(ram_origin 0x20000000)
  set(ram_bytes 0x00400000)
  set(clock_hz 25000000)
  set(stack_bytes 16384)
  set(arena_bytes 524288)
  set(model_bytes 1048576)
  set(max_payload 1024)
  set(rtt_up_bytes 2048)
  set(rtt_down_bytes 4096)
  # TensorFlow Lite Micro as a second engine in the agent (target-agent/tflm), where flash and RAM
  # hold both engines; `tflm_why` says why not where they do not.
  set(tflm ON)
  set(tflm_why "")
  set(code2_origin "")
  set(code2_bytes "")
  if(board STREQUAL "mps2-an385")
    set(cpu_flags -mcpu=cortex-m3 -mthumb -mfloat-abi=soft)
    set(uart_base 0x40004000)
    set(uart_rx_irq 0)
  elseif(board STREQUAL "mps2-an386")
    set(cpu_flags -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard)
    set(uart_base 0x40004000)
    set(uart_rx_irq 0)
  elseif(board STREQUAL "mps2-an500")
    set(cpu_flags -mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard)
    set(uart_base 0x40004000)
    set(uart_rx_irq 0)
  elseif(board STREQUAL "mps2-an505")
    # SSE-200 (Cortex-M33) boots Secure: code and data through the Secure aliases, UART0 at its
    # Secure alias 0x50200000 (0x40200000 is the Non-secure one, refused by the PPC from reset).
    set(cpu_flags -mcpu=cortex-m33 -mthumb -mfpu=fpv5-sp-d16 -mfloat-abi=hard)
    set(uart_base 0x50200000)
    set(uart_rx_irq 32)
    set(flash_origin 0x10000000)
    set(ram_origin 0x38000000)
    set(clock_hz 20000000)
  elseif(board STREQUAL "mps3-an547")
    # SSE-300 (Cortex-M55 with Helium): code in the ITCM (512 KiB), data in the 2 MiB ISRAM, both
    # through their Secure aliases; UART0 at 0x59303000 (Secure alias of 0x49303000).
    set(cpu_flags -mcpu=cortex-m55 -mthumb -mfloat-abi=hard)
    set(uart_base 0x59303000)
    set(uart_rx_irq 33)
    set(flash_origin 0x10000000)
    set(flash_bytes 0x00080000)
    set(ram_origin 0x31000000)
    set(ram_bytes 0x00200000)
    set(clock_hz 32000000)
    # With TFLM (406 KB of code with CMSIS-NN, beside our 257 KB), its code goes to the 2 MiB FPGA
    # SRAM (Secure alias 0x11000000): the ITCM holds one engine.
    set(code2_origin 0x11000000)
    set(code2_bytes 0x00200000)
  elseif(board STREQUAL "lm3s6965evb")
    set(cpu_flags -mcpu=cortex-m3 -mthumb -mfloat-abi=soft)
    set(uart stellaris)
    set(flash_bytes 0x00040000)
    set(ram_bytes 0x00010000)
    set(clock_hz 12000000)
    # 64 KiB of SRAM holds the agent's own state (about 24 KiB: engine bookkeeping, frames, RTT
    # rings), the stack, and what is left for the uploaded model and its arena.
    set(stack_bytes 4096)
    set(arena_bytes 12288)
    set(model_bytes 16384)
    set(tflm OFF)
    set(tflm_why "the lm3s6965evb's 256 KiB of flash hold our engine only: TFLM's code alone is 335 KB (measured in the Cortex-M4 build)")
    set(max_payload 256)
    set(rtt_up_bytes 512)
    set(rtt_down_bytes 1024)
  elseif(board STREQUAL "nucleo-f411re" OR board STREQUAL "netduinoplus2")
    # STM32F4 with USART2 as the console (board_stm32_usart.cc). nucleo-f411re is the real board
    # (512 KiB flash, 128 KiB SRAM, HSI 16 MHz); netduinoplus2 is QEMU's STM32F405 machine, which runs
    # the same code and tests it: the same memory layout within its 1 MiB / 192 KiB, and its 168 MHz
    # SYSCLK as the SysTick clock.
    set(cpu_flags -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard)
    set(uart stm32)
    set(uart_base 0x40004400)
    set(uart_rx_irq 38)
    set(flash_origin 0x08000000)
    set(flash_bytes 0x00080000)
    set(ram_bytes 0x00020000)
    set(clock_hz 16000000)
    # Both engines with TFLM's CMSIS-NN build came to 712,476 bytes of flash and 135,192 of RAM for
    # this layout (measured 2026-12-06): TFLM and CMSIS-NN are 406 KB of code, ours 199 KB.
    set(tflm OFF)
    set(tflm_why "both engines need 712 KB of flash and 132 KiB of RAM; the STM32F411RE has 512 KiB and 128 KiB")
    if(board STREQUAL "netduinoplus2")
      set(clock_hz 168000000)
    endif()
    # 128 KiB: the agent's own state, an 8 KiB stack, and the model buffer and arena (kws, ad and sww
    # fit; vww and ic are refused with their shortfall).
    set(stack_bytes 8192)
    set(arena_bytes 40960)
    set(model_bytes 57344)
    set(max_payload 512)
    set(rtt_up_bytes 1024)
    set(rtt_down_bytes 2048)
  else()
    message(FATAL_ERROR "unknown board '${board}' (known: mps2-an385 mps2-an386 mps2-an500 mps2-an505 mps3-an547 lm3s6965evb "
                        "nucleo-f411re netduinoplus2)")
  endif()
  foreach(v cpu_flags uart uart_base uart_rx_irq flash_origin flash_bytes ram_origin ram_bytes clock_hz stack_bytes arena_bytes
          model_bytes max_payload rtt_up_bytes rtt_down_bytes tflm tflm_why code2_origin code2_bytes)
    set(HIL_${v} "${${v}}" PARENT_SCOPE)
  endforeach()
endfunction()
