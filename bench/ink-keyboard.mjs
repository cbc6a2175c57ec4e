// The stdin the benches hand Ink: a TTY-like stream whose press(data) is read as one key press.
import { EventEmitter } from 'node:events';

export class Keyboard extends EventEmitter {
  isTTY = true;
  data = null;
  press = (data) => {
    this.data = data;
    this.emit('readable');
  };
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}
