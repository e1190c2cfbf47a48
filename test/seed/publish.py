# The seed's publisher (shared/seed/python-mqtt-blog.txt), unchanged but for where the
# broker is: host, port, count and interval come from the environment (SEED_HOST,
# SEED_PORT, SEED_COUNT, SEED_INTERVAL), the seed's values otherwise. paho-mqtt 1.x API.
import os
import time
from paho.mqtt import publish
#源码中只需要知道 ip + 端口 + 订阅的主题
HOST = os.environ.get("SEED_HOST", "127.0.0.1")
PORT = int(os.environ.get("SEED_PORT", "61613"))
COUNT = int(os.environ.get("SEED_COUNT", "20"))
INTERVAL = float(os.environ.get("SEED_INTERVAL", "2"))
def on_connect(client,userdata, flags,rc):
    print("Connected with result code" + str(rc))
    client.subscribe("jw-temperature") # 发布主题
def on_message(client,userdata,msg):
    print(msg.topc + "消息发送!" + msg.payload.decode("utf-8"))
if __name__ == '__main__':
    print("消息发布!----我是一个发布者:正在给设备和传感器发布主题-----")
    client_id = os.environ.get("SEED_CLIENT_ID") or time.strftime('%Y%m%d%H%M%S', time.localtime(time.time()))
    for i in range(COUNT):
        time.sleep(INTERVAL)
        publish.single("lightChange","现在天黑了", qos = 1, hostname = HOST, port = PORT, client_id = client_id,auth = {'username': "admin", 'password': "password"})
        print("已发送"+str(i+1)+"条消息")
