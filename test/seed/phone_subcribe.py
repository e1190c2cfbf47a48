# The seed's "phone" subscriber (shared/seed/python-mqtt-blog.txt), unchanged but for where
# the broker is (SEED_HOST, SEED_PORT), an optional SEED_CLIENT_ID (the seed's id is the
# current second, so two scripts started together would take each other's session), and
# SEED_COUNT: stop after that many messages (the seed runs until Ctrl-C). paho-mqtt 1.x API.
import os
import paho.mqtt.client as mqtt
import time#源码中只需要知道 ip + 端口 + 订阅的主题
HOST = os.environ.get("SEED_HOST", "127.0.0.1")
PORT = int(os.environ.get("SEED_PORT", "61613"))
COUNT = int(os.environ.get("SEED_COUNT", "0"))
received = 0
'''
The callback for when the client receives a CONNACK response from the server
客户端接收到服务器端的确认连接请求时,回调on_connect服务端发送CONNACK报文响应从客户端收到的CONNECT报文。
服务端发送给客户端的第一个报文必须是CONNACK [MQTT-3.2.0-1].
'''
def on_connect(client,userdata, flags,rc):
    print("Connected with result code" + str(rc))
    '''Subscribing in on_connect() means that if we lose the connection and reconnect then subscriptions wil be renewed(恢复、续订).'''
    client.subscribe("lightChange") # 订阅主题
'''
The callback for when a PUBLISH message is received from the server.
客户端接收到服务器向其传输的消息时,
回调on_messagePUBLISH控制报文是指从客户端向服务端或者服务端向客户端传输一个应用消息。
'''
def on_message(client,userdata,msg):
    global received
    print(msg.topic+ msg.payload.decode("utf-8") + ",回调消息:收到收到!我已经接收到发布者的消息并给用户反馈手电筒已经打开")
    received += 1
    if COUNT and received >= COUNT:
        client.disconnect()
def client_loop():
    '''注意,client_id是必须的,并且是唯一的。否则可能会出现如下错误[WinError 10054] 远程主机强迫关闭了一个现有的连接'''
    client_id = os.environ.get("SEED_CLIENT_ID") or time.strftime('%Y%m%d%H%M%S', time.localtime(time.time()))
    client = mqtt.Client(client_id) # Client_id 不能重复,所以使用当前时间
    client.username_pw_set("admin","password") # 必须设置,否则会返回 /Connected with result code 4/
    client.on_connect = on_connect
    client.on_message = on_message
    '''拥塞回调:处理网络流量,调度回调和重连接。Blocking call that processes network traffic, dispatches callbacks and handles reconnecting.Other loop*() functions are available that give a threaded interface and amanual- interface...I'''
    try:
        client.connect(HOST,PORT,60)
        client.loop_forever()
    except KeyboardInterrupt:
        client.disconnect()
if __name__ == '__main__':
    print("手机启动----我是一个订阅者:需要消费主题-----")
    client_loop()
