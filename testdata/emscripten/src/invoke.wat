;; A glue-style Emscripten module written by hand, to exercise invoke_*
;; trampolines whose signatures mix i32, i64, f32 and f64 (as builds with
;; -sWASM_BIGINT produce), an unwind through invoke_* (the callee records
;; its target with setThrew, then calls _emscripten_throw_longjmp), the
;; stack pointer being restored after it, and an invoke_* nested in a
;; function called through another invoke_*. main returns 7.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "invoke_jjdf" (func $invoke_jjdf (param i32 i64 f64 f32) (result i64)))
  (import "env" "invoke_dijd" (func $invoke_dijd (param i32 i32 i64 f64) (result f64)))
  (import "env" "invoke_vjd" (func $invoke_vjd (param i32 i64 f64)))
  (import "env" "invoke_fif" (func $invoke_fif (param i32 i32 f32) (result f32)))
  (import "env" "invoke_iii" (func $invoke_iii (param i32 i32 i32) (result i32)))
  (import "env" "invoke_ii" (func $invoke_ii (param i32 i32) (result i32)))
  (import "env" "_emscripten_throw_longjmp" (func $throw_longjmp))

  (memory (export "memory") 2)
  (table (export "__indirect_function_table") 9 funcref)
  (elem (i32.const 1) $add $mix $store $thrower $fif $outer $thrower64)

  (global $sp (mut i32) (i32.const 131072))
  (global $threw (mut i32) (i32.const 0))
  (global $threw_value (mut i32) (i32.const 0))
  (global $g_j (mut i64) (i64.const 0))
  (global $g_d (mut f64) (f64.const 0))

  (data (i32.const 1024) "jjdf: ")          ;; 6
  (data (i32.const 1040) "dijd x100: ")     ;; 11
  (data (i32.const 1056) "vjd stored: ")    ;; 12
  (data (i32.const 1072) " ")               ;; 1
  (data (i32.const 1076) "\n")              ;; 1
  (data (i32.const 1088) "fif x10: ")       ;; 9
  (data (i32.const 1104) "unwound: threw=") ;; 15
  (data (i32.const 1120) " value=")         ;; 7
  (data (i32.const 1136) " result=")        ;; 8
  (data (i32.const 1152) " stack restored=");; 16
  (data (i32.const 1184) "nested: ")        ;; 8
  (data (i32.const 1200) "i64 unwound: ")   ;; 13

  (func (export "stackSave") (result i32) (global.get $sp))
  (func (export "stackRestore") (param i32) (global.set $sp (local.get 0)))
  (func (export "stackAlloc") (param i32) (result i32)
    (global.set $sp (i32.and (i32.sub (global.get $sp) (local.get 0)) (i32.const -16)))
    (global.get $sp))
  (func $setThrew (export "setThrew") (param $t i32) (param $v i32)
    (if (i32.eqz (global.get $threw))
      (then (global.set $threw (local.get $t)) (global.set $threw_value (local.get $v)))))
  (func (export "__wasm_call_ctors"))

  (func $puts (param $ptr i32) (param $len i32)
    (i32.store (i32.const 3000) (local.get $ptr))
    (i32.store (i32.const 3004) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 3000) (i32.const 1) (i32.const 3016))))

  ;; Prints a signed decimal.
  (func $print (param $v i64)
    (local $p i32) (local $neg i32) (local $u i64)
    (local.set $p (i32.const 2100))
    (local.set $neg (i64.lt_s (local.get $v) (i64.const 0)))
    (local.set $u (select (i64.sub (i64.const 0) (local.get $v)) (local.get $v) (local.get $neg)))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i64.store8 (local.get $p) (i64.add (i64.const 48) (i64.rem_u (local.get $u) (i64.const 10))))
      (local.set $u (i64.div_u (local.get $u) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $u) (i64.const 0))))
    (if (local.get $neg)
      (then
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p) (i32.const 45))))
    (call $puts (local.get $p) (i32.sub (i32.const 2100) (local.get $p))))

  (func $nl (call $puts (i32.const 1076) (i32.const 1)))

  (func $add (param $a i64) (param $d f64) (param $f f32) (result i64)
    (i64.add (local.get $a)
      (i64.trunc_f64_s (f64.mul (f64.mul (local.get $d) (f64.promote_f32 (local.get $f))) (f64.const 100)))))
  (func $mix (param $i i32) (param $j i64) (param $d f64) (result f64)
    (f64.add (f64.add (f64.convert_i32_s (local.get $i)) (f64.convert_i64_s (local.get $j))) (local.get $d)))
  (func $store (param $j i64) (param $d f64)
    (global.set $g_j (local.get $j))
    (global.set $g_d (local.get $d)))
  (func $fif (param $i i32) (param $f f32) (result f32)
    (f32.mul (f32.convert_i32_s (local.get $i)) (local.get $f)))
  ;; Takes 64 bytes of stack, records the jump target (7, 99), unwinds.
  (func $thrower (param i32 i32) (result i32)
    (global.set $sp (i32.sub (global.get $sp) (i32.const 64)))
    (call $setThrew (i32.const 7) (i32.const 99))
    (call $throw_longjmp)
    (i32.const 1234))
  (func $thrower64 (param i64 f64 f32) (result i64)
    (global.set $sp (i32.sub (global.get $sp) (i32.const 32)))
    (call $setThrew (i32.const 3) (i32.const 4))
    (call $throw_longjmp)
    (i64.const 1234))
  ;; Calls $thrower through invoke_iii and carries on.
  (func $outer (param $x i32) (result i32)
    (i32.add (i32.add (local.get $x) (i32.const 41))
      (call $invoke_iii (i32.const 4) (i32.const 1) (i32.const 2))))

  (func $report (param $result i64) (param $sp i32)
    (call $puts (i32.const 1104) (i32.const 15))
    (call $print (i64.extend_i32_s (global.get $threw)))
    (call $puts (i32.const 1120) (i32.const 7))
    (call $print (i64.extend_i32_s (global.get $threw_value)))
    (call $puts (i32.const 1136) (i32.const 8))
    (call $print (local.get $result))
    (call $puts (i32.const 1152) (i32.const 16))
    (call $print (i64.extend_i32_u (i32.eq (global.get $sp) (local.get $sp))))
    (call $nl)
    (global.set $threw (i32.const 0))
    (global.set $threw_value (i32.const 0)))

  (func (export "main") (param $argc i32) (param $argv i32) (result i32)
    (local $sp i32)
    (call $puts (i32.const 1024) (i32.const 6))
    (call $print (call $invoke_jjdf (i32.const 1) (i64.const 0x100000002) (f64.const 2.5) (f32.const 1.5)))
    (call $nl)
    (call $puts (i32.const 1040) (i32.const 11))
    (call $print (i64.trunc_f64_s (f64.mul (f64.const 100)
      (call $invoke_dijd (i32.const 2) (i32.const 7) (i64.const -3000000000) (f64.const 0.25)))))
    (call $nl)
    (call $invoke_vjd (i32.const 3) (i64.const 123456789012) (f64.const 3.75))
    (call $puts (i32.const 1056) (i32.const 12))
    (call $print (global.get $g_j))
    (call $puts (i32.const 1072) (i32.const 1))
    (call $print (i64.trunc_f64_s (f64.mul (global.get $g_d) (f64.const 100))))
    (call $nl)
    (call $puts (i32.const 1088) (i32.const 9))
    (call $print (i64.trunc_f32_s (f32.mul (f32.const 10)
      (call $invoke_fif (i32.const 5) (i32.const 3) (f32.const 0.5)))))
    (call $nl)
    (local.set $sp (global.get $sp))
    (call $report (i64.extend_i32_s (call $invoke_iii (i32.const 4) (i32.const 5) (i32.const 6))) (local.get $sp))
    (call $report (call $invoke_jjdf (i32.const 7) (i64.const 1) (f64.const 1) (f32.const 1)) (local.get $sp))
    (call $puts (i32.const 1184) (i32.const 8))
    (call $print (i64.extend_i32_s (call $invoke_ii (i32.const 6) (i32.const 1))))
    (call $nl)
    (call $report (i64.const 0) (local.get $sp))
    (i32.const 7))
)
