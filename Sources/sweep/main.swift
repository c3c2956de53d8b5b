import ParamShareCLI

Sweep.main(registering: [])
