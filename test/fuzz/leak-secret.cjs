// A deliberately broken action, for the test that shows property (f) can fail: preloaded into
// the bundle's process (node --require), it prints the secret key input as a careless debug
// line would, past the action's own masking.
process.stdout.write(`key in use: ${process.env['INPUT_SECRET_ACCESS_KEY']}\n`)
