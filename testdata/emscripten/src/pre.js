// --pre-js for recording expected output under node (not part of the .wasm):
// argv[0] is "<program>.wasm", as wasmer-imports passes it, and the host's
// environment is copied into the guest's (the glue does not forward it).
Module['thisProgram'] = require('path').basename(process.argv[1], '.js') + '.wasm';
Module['preRun'] = [function () {
  if (typeof ENV !== 'undefined') Object.assign(ENV, process.env);
}];
