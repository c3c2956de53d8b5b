import MultiHash
import ParamShareCLI

Sweep.main(registering: [MultiHashGenerator.descriptor])
