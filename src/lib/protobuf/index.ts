// The protobuf wire format without code generation (in the manner of VictoriaMetrics'
// easyproto): FieldReader walks a message's fields, ProtoWriter appends fields.
export {
  FieldReader,
  ProtoError,
  WIRE_VARINT,
  WIRE_I64,
  WIRE_LEN,
  WIRE_I32,
  readDoubleLE,
  zigzag64,
  decodeString,
  latin1Key,
} from "./wire_reader.ts";
export { ProtoWriter } from "./wire_writer.ts";
